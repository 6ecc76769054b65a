import { registry } from "@web/core/registry";

/**
 * The customer opens the link of the reminder e-mail (no login) and promises
 * to pay in ten days. The Python test starts the tour on that link and checks
 * the promise in the database and the next run.
 */
registry.category("web_tour.tours").add("dunning_followup_portal_promise_tour", {
    steps: () => [
        {
            content: "The page shows the reminder and its invoices",
            trigger: ".o_dunning_portal .o_dunning_invoices tbody tr",
        },
        {
            content: "Choose a payment date ten days ahead",
            trigger: ".o_dunning_promise_form input[name=promise_date]",
            run() {
                const date = new Date(`${this.anchor.min}T00:00:00Z`);
                date.setUTCDate(date.getUTCDate() + 10);
                this.anchor.value = date.toISOString().slice(0, 10);
            },
        },
        {
            content: "Add a note",
            trigger: ".o_dunning_promise_form textarea[name=note]",
            run: "edit Waiting for a customer's payment",
        },
        {
            content: "Promise to pay",
            trigger: ".o_dunning_promise_form .o_dunning_promise_submit",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The page thanks the customer",
            trigger: ".o_dunning_answer_done",
        },
        {
            content: "The promise is listed among the answers",
            trigger: ".o_dunning_answers li:contains(Promise to Pay)",
        },
    ],
});

/**
 * The collector sees the customer's promise in the Dunning worklist.
 */
registry.category("web_tour.tours").add("dunning_followup_worklist_answer_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_worklist",
    steps: () => [
        {
            content: "Remove the default Action Needed filter",
            trigger: ".o_searchview .o_searchview_facet:contains(Action Needed) .o_facet_remove",
            run: "click",
        },
        {
            content: "Open the filters",
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            content: "Filter the customers who answered online",
            trigger: ".o_filter_menu .dropdown-item:contains(Answered Online)",
            run: "click",
        },
        {
            content: "The customer shows its promise to pay",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Portal Tour Customer)) td[name=dunning_answer_type]:contains(Promise to Pay)",
        },
    ],
});
