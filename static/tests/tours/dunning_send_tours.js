import { registry } from "@web/core/registry";
import { selectRowStep } from "@dunning_followup/../tests/tours/dunning_tour_helpers";

/**
 * Send a reminder (invoicing user): from the Dunning worklist, open the
 * customer whose friendly reminder is due, review the preview in the Send
 * Reminder dialog and send it. The Python test checks the letter and the
 * e-mail in the database.
 */
registry.category("web_tour.tours").add("dunning_followup_send_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_worklist",
    steps: () => [
        {
            content: "The worklist opens on what there is to do",
            timeout: 30000,
            trigger: ".o_searchview .o_searchview_facet:contains(Due for the Next Level)",
        },
        {
            content: "The customer is listed as due for the next level",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Friendly)) td[name=dunning_todo] .badge:contains(Due for the Next Level)",
        },
        {
            content: "Open the customer",
            trigger: ".o_list_view .o_data_row td[name=display_name]:contains(Dunning Tour Friendly)",
            run: "click",
        },
        {
            content: "The customer form is open",
            trigger: ".o_form_view .o_breadcrumb .active:contains(Dunning Tour Friendly)",
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
            content: "The level due next is the friendly reminder",
            trigger: ".o_form_view div[name=dunning_level_due_id]:contains(Friendly reminder)",
        },
        {
            content: "No reminder has been sent yet",
            trigger: ".o_form_view div[name=dunning_letter_ids]:not(:has(.o_data_row))",
        },
        {
            content: "Click Send Reminder",
            trigger: ".o_form_view button[name=action_dunning_new_letter]",
            run: "click",
        },
        {
            content: "The Send Reminder dialog opens",
            trigger: ".modal .modal-title:contains(Send Reminder)",
        },
        {
            content: "The preview subject is the friendly reminder's",
            trigger: ".modal div[name=preview_subject]:contains(Friendly payment reminder)",
        },
        {
            content: "The preview is addressed to the customer",
            trigger: ".modal div[name=preview_recipient]:contains(friendly@example.com)",
        },
        {
            content: "The preview body lists the overdue invoice",
            trigger: ".modal div[name=preview_body]:contains(INV/):contains(Dunning Tour Friendly)",
        },
        {
            content: "The reminder goes by e-mail",
            trigger: ".modal div[name=send_email] input:checked",
        },
        {
            content: "The friendly reminder is not printed",
            trigger: ".modal div[name=send_letter] input:not(:checked)",
        },
        {
            content: "Send",
            trigger: ".modal .modal-footer button[name=action_send]",
            run: "click",
        },
        {
            content: "The dialog closes (nothing to print, no report download)",
            timeout: 30000,
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The sent reminder shows in the history",
            trigger:
                ".o_form_view div[name=dunning_letter_ids] .o_data_row:has(td[name=level_id]:contains(Friendly reminder)) td[name=state] .badge:contains(Sent)",
        },
    ],
});

/**
 * Approve reminders in batch (accounting manager): filter the Dunning
 * Letters on To Approve, select the two final notices, Actions > Approve;
 * both become Approved, ready to send.
 */
registry.category("web_tour.tours").add("dunning_followup_approve_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_letter",
    steps: () => [
        {
            content: "The Dunning Letters list is open",
            timeout: 30000,
            trigger: ".o_breadcrumb .active:contains(Dunning Letters)",
        },
        {
            content: "Open the search options",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter on To Approve",
            trigger: ".o_filter_menu .o_menu_item:contains(To Approve)",
            run: "click",
        },
        {
            content: "The To Approve filter is applied",
            trigger: ".o_searchview .o_searchview_facet:contains(To Approve)",
        },
        {
            content: "The list shows the reminders to approve only",
            trigger:
                ".o_list_view:has(.o_data_row):not(:has(td[name=partner_id]:contains(Dunning Tour Draft)))",
        },
        {
            content: "Close the search options",
            trigger: ".o_control_panel_actions .o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "The first final notice waits for approval",
            trigger:
                ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Dunning Tour Final A)) td[name=state] .badge:contains(To Approve)",
        },
        {
            content: "The second final notice waits for approval",
            trigger:
                ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Dunning Tour Final B)) td[name=state] .badge:contains(To Approve)",
        },
        selectRowStep(
            "Select the first final notice",
            ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Dunning Tour Final A))"
        ),
        selectRowStep(
            "Select the second final notice",
            ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Dunning Tour Final B))"
        ),
        {
            content: "Both rows are selected",
            trigger: ".o_list_view:not(:has(.o_data_row .o_list_record_selector input:not(:checked)))",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Approve",
            trigger: ".o-dropdown--menu .o_menu_item:contains(Approve)",
            run: "click",
        },
        {
            content: "The approved letters leave the To Approve list",
            timeout: 30000,
            trigger: ".o_action_manager:not(:has(.o_list_view .o_data_row td[name=partner_id]:contains(Dunning Tour Final)))",
        },
        {
            content: "Remove the To Approve filter",
            trigger: ".o_searchview .o_searchview_facet:contains(To Approve) .o_facet_remove",
            run: "click",
        },
        {
            content: "The first final notice is approved",
            trigger:
                ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Dunning Tour Final A)) td[name=state] .badge:contains(Approved)",
        },
        {
            content: "The second final notice is approved",
            trigger:
                ".o_list_view .o_data_row:has(td[name=partner_id]:contains(Dunning Tour Final B)) td[name=state] .badge:contains(Approved)",
        },
    ],
});
