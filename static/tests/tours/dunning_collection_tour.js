import { registry } from "@web/core/registry";

/**
 * Collections dashboard (accounting manager): open the dashboard, follow
 * "Waiting for approval" into the reminders, open the final notice and
 * approve it; back on the dashboard, follow the open collection cases, open
 * the case and print its hand-over dossier. The Python test checks the
 * approval and the printed dossier in the database.
 */
registry.category("web_tour.tours").add("dunning_followup_collection_tour", {
    url: "/odoo/action-dunning_followup.dunning_dashboard_action",
    steps: () => [
        {
            content: "The dashboard shows one reminder waiting for approval",
            trigger: ".o_dunning_dashboard .o_dunning_to_approve:contains(1)",
        },
        {
            content: "The aging chart is drawn",
            trigger: ".o_dunning_dashboard canvas",
        },
        {
            content: "Follow the reminders waiting for approval",
            trigger: ".o_dunning_dashboard .o_dunning_to_approve",
            run: "click",
        },
        {
            content: "Open the final notice waiting for approval",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains(Dunning Tour Approve Co)",
            run: "click",
        },
        {
            content: "Approve it",
            trigger: ".o_form_view .o_form_statusbar button[name=action_approve]",
            run: "click",
        },
        {
            content: "It no longer waits for approval",
            trigger: ".o_form_view .o_form_statusbar:not(:has(button[name=action_approve]))",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains(Collections Dashboard)",
            run: "click",
        },
        {
            content: "The dashboard shows the open collection case",
            trigger: ".o_dunning_dashboard .o_dunning_open_cases:contains(1)",
        },
        {
            content: "Follow the open collection cases",
            trigger: ".o_dunning_dashboard .o_dunning_open_cases",
            run: "click",
        },
        {
            content: "Open the case",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains(Dunning Tour Agency Case Co)",
            run: "click",
        },
        {
            content: "The case lists the handed-over invoice",
            trigger: ".o_form_view .o_field_widget[name=line_ids] .o_data_row",
        },
        {
            content: "Print the dossier",
            trigger: ".o_form_view .o_form_statusbar button[name=action_print_dossier]",
            run: "click",
        },
        {
            content: "The printed dossier is kept on the case",
            trigger: ".o_form_view button[name=action_view_dossiers] .o_stat_value:contains(1)",
            // wkhtmltopdf may take a while on a busy machine
            timeout: 60000, // the most a tour step may wait
        },
    ],
});
