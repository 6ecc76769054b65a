import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * Dunning Levels (manager): open the "Final notice" level, change its name
 * and its minimum interval, save. The Python test checks the database.
 */
registry.category("web_tour.tours").add("dunning_followup_level_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_level",
    steps: () => [
        {
            content: "The Dunning Levels list shows the company's default levels",
            trigger: ".o_breadcrumb .active:contains(Dunning Levels)",
        },
        {
            content: "The friendly reminder is listed",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Friendly reminder)",
        },
        {
            content: "Open the final notice level",
            trigger: ".o_list_view .o_data_row td[name=name]:contains(Final notice)",
            run: "click",
        },
        {
            content: "The level form is open",
            trigger: ".o_form_view .o_breadcrumb .active:contains(Final notice)",
        },
        {
            content: "Rename the level",
            trigger: ".o_form_view div[name=name] input",
            // No parentheses in run strings: "edit x(y)" drops the last ")".
            run: "edit Final notice before collection",
        },
        {
            content: "Change the minimum interval",
            trigger: ".o_form_view div[name=min_interval] input",
            run: "edit 12",
        },
        ...stepUtils.saveForm(),
        {
            content: "The saved name shows in the breadcrumb",
            trigger: ".o_breadcrumb .active:contains(Final notice before collection)",
        },
        {
            content: "The saved minimum interval is displayed",
            trigger: ".o_form_view .o_form_saved div[name=min_interval] input:value(12)",
        },
    ],
});

/**
 * Dunning worklist (invoicing user): the customer whose reminder waits for
 * approval is listed under "Needs Approval"; its form shows the Dunning tab
 * with the status badge and the overdue invoice.
 */
registry.category("web_tour.tours").add("dunning_followup_worklist_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_worklist",
    steps: () => [
        {
            content: "The worklist opens on what there is to do",
            timeout: 30000,
            trigger: ".o_searchview .o_searchview_facet:contains(Needs Approval)",
        },
        {
            content: "The customer is listed with what to do",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Urgent)) td[name=dunning_todo] .badge:contains(Needs Approval)",
        },
        {
            content: "The customer whose reminder went out has nothing to do",
            trigger: ".o_list_view:not(:has(td[name=display_name]:contains(Dunning Tour Waiting)))",
        },
        {
            content: "Open the customer",
            trigger: ".o_list_view .o_data_row td[name=display_name]:contains(Dunning Tour Urgent)",
            run: "click",
        },
        {
            content: "The customer form is open",
            trigger: ".o_form_view .o_breadcrumb .active:contains(Dunning Tour Urgent)",
        },
        {
            content: "Open the Dunning tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=dunning]",
            run: "click",
        },
        {
            content: "The Dunning tab is shown",
            trigger: ".o_form_view .o_notebook .nav-link.active[name=dunning]",
        },
        {
            content: "The status badge says Action Needed",
            trigger: ".o_form_view div[name=dunning_status] .badge:contains(Action Needed)",
        },
        {
            content: "The level due next is the final notice",
            trigger: ".o_form_view div[name=dunning_level_due_id]:contains(Final notice)",
        },
        {
            content: "The overdue invoice is listed among the open invoices",
            trigger:
                ".o_form_view div[name=dunning_open_move_ids] .o_data_row:has(td[name=name]:contains(INV/)) td[name=dunning_days_overdue]:contains(50)",
        },
        {
            content: "The reminder waiting for approval is in the history",
            trigger:
                ".o_form_view div[name=dunning_letter_ids] .o_data_row td[name=state] .badge:contains(To Approve)",
        },
    ],
});
