import { registry } from "@web/core/registry";

/**
 * Receivables aging (invoicing user). "Aging Tour Co" has an invoice of
 * 1,234.00 dated in the previous month and one of 4,321.00 dated today.
 * Today's aging lists both under the customer; the aging as of the end of
 * the previous month (chosen with Change Date) has only the first; the graph
 * shows it per aging bucket. In the pivot, a click on the customer's total
 * opens its open items.
 */
registry.category("web_tour.tours").add("dunning_followup_aging_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_aging_report",
    steps: () => [
        {
            content: "The aging opens grouped by customer, as of today",
            timeout: 30000,
            trigger: ".o_searchview .o_searchview_facet:contains(Customer)",
        },
        {
            content: "The customer's group sums both invoices",
            timeout: 30000,
            trigger:
                ".o_list_view .o_group_has_content:contains(Aging Tour Co):contains(5,555.00)",
        },
        {
            content: "Choose another aging date",
            timeout: 30000,
            trigger: ".o_control_panel button[name=action_open_aging_wizard]",
            run: "click",
        },
        {
            content: "Take the end of last month",
            timeout: 30000,
            trigger: ".modal div[name=period] input[data-value=last_month]",
            run: "click",
        },
        {
            content: "Show the aging",
            timeout: 30000,
            trigger: ".modal footer button[name=action_open]",
            run: "click",
        },
        {
            content: "The aging as of the end of last month is open",
            timeout: 30000,
            trigger: ".o_breadcrumb .active:contains(Receivables Aging as of)",
        },
        {
            content: "Only the invoice of last month is counted",
            timeout: 30000,
            trigger:
                ".o_list_view .o_group_has_content:contains(Aging Tour Co):contains(1,234.00):not(:contains(5,555.00))",
        },
        {
            content: "Switch to the graph",
            timeout: 30000,
            trigger: ".o_control_panel .o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph of the aging buckets is drawn",
            timeout: 30000,
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Switch to the pivot",
            timeout: 30000,
            trigger: ".o_control_panel .o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot has a row per customer",
            timeout: 30000,
            trigger: ".o_pivot .o_pivot_header_cell_closed:contains(Aging Tour Co)",
        },
        {
            content: "Drill into the customer's total",
            timeout: 30000,
            trigger:
                ".o_pivot tr:has(.o_pivot_header_cell_closed:contains(Aging Tour Co)) td.o_pivot_cell_value:last",
            run: "click",
        },
        {
            content: "The customer's open item as of last month is listed",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row td[name=amount_total]:contains(1,234.00)",
        },
        {
            content: "Only that item: the invoice dated this month is not there",
            timeout: 30000,
            trigger:
                ".o_list_view:not(:has(td[name=amount_total]:contains(4,321.00))):has(.o_data_row td[name=partner_id]:contains(Aging Tour Co))",
        },
    ],
});

/**
 * Dunning worklist (invoicing user): log a promise to pay for "Log Call Tour
 * Co" from its row, for 7 days from today. The customer then waits for the
 * promise and leaves the worklist. The Python test checks the
 * promise date, the note and the to-do.
 */
registry.category("web_tour.tours").add("dunning_followup_log_call_tour", {
    url: "/odoo/action-dunning_followup.action_dunning_worklist",
    steps: () => [
        {
            content: "The customer has something to do",
            timeout: 30000,
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Log Call Tour Co)) td[name=dunning_todo] .badge",
        },
        {
            content: "Log a call from the customer's row",
            timeout: 30000,
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Log Call Tour Co)) button[name=action_dunning_log_call]",
            run: "click",
        },
        {
            content: "The dialog is for that customer",
            timeout: 30000,
            trigger: ".modal div[name=partner_id]:contains(Log Call Tour Co)",
        },
        {
            content: "The customer promised to pay",
            timeout: 30000,
            trigger: ".modal div[name=outcome] input[data-value=promised]",
            run: "click",
        },
        {
            content: "By a week from today",
            timeout: 30000,
            trigger: ".modal div[name=promise_date] input",
            run: `edit ${luxon.DateTime.now().plus({ days: 7 }).toFormat("MM/dd/yyyy")}`,
        },
        {
            content: "Add a note",
            timeout: 30000,
            trigger: ".modal div[name=note] textarea",
            run: "edit Will pay by transfer",
        },
        {
            content: "Log it",
            timeout: 30000,
            trigger: ".modal footer button[name=action_log]",
            run: "click",
        },
        {
            content: "The dialog is closed",
            timeout: 30000,
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The customer waits for the promise: it left the worklist",
            timeout: 30000,
            trigger:
                ".o_list_view:not(:has(td[name=display_name]:contains(Log Call Tour Co)))",
        },
    ],
});
