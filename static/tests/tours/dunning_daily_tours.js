import { registry } from "@web/core/registry";
import { selectRowStep } from "@dunning_followup/../tests/tours/dunning_tour_helpers";

/** Steps that open a customer's Dunning tab and its Send Reminder dialog. */
function openSendReminder(customer) {
    return [
        {
            content: "The customer form is open",
            trigger: `.o_form_view .o_breadcrumb .active:contains(${customer})`,
            // The first page of a tour loads the assets: slow on a busy machine.
            timeout: 30000,
        },
        {
            content: "Open the Dunning tab",
            trigger: ".o_form_view .o_notebook .nav-link[name=dunning]",
            run: "click",
        },
        {
            content: "Click Send Reminder",
            trigger: ".o_form_view button[name=action_dunning_new_letter]",
            run: "click",
        },
        {
            content: "The Send Reminder dialog opens",
            timeout: 30000,
            trigger: ".modal .modal-title:contains(Send Reminder)",
        },
    ];
}

/**
 * A manager opens a customer whose final notice waits for approval: the
 * dialog shows the state, the button reads Approve & Send and asks for a
 * confirmation; the reminder is then sent.
 */
registry.category("web_tour.tours").add("dunning_followup_approve_send_tour", {
    steps: () => [
        ...openSendReminder("Dunning Tour Approval Co"),
        {
            content: "The dialog shows that the reminder waits for approval",
            trigger: ".modal div[name=letter_state]:contains(To Approve)",
        },
        {
            content: "The dialog says why it needs approval",
            trigger: ".modal .alert:contains(not sent automatically)",
        },
        {
            content: "No plain Send button for a reminder waiting for approval",
            trigger: ".modal .modal-footer:not(:has(button.o_dunning_send))",
        },
        {
            content: "Click Approve & Send",
            trigger: ".modal .modal-footer button.o_dunning_approve_send:contains(Approve & Send)",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal:has(.modal-body:contains(Approve this reminder)) .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The dialogs close",
            timeout: 30000,
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "The sent final notice shows in the history",
            trigger:
                ".o_form_view div[name=dunning_letter_ids] .o_data_row:has(td[name=level_id]:contains(Final notice)) td[name=state] .badge:contains(Sent)",
        },
    ],
});

/**
 * An accountant opens the same kind of customer: the dialog names the
 * managers who must approve and offers no Send at all.
 */
registry.category("web_tour.tours").add("dunning_followup_blocked_tour", {
    steps: () => [
        ...openSendReminder("Dunning Tour Approval Co"),
        {
            content: "The dialog shows that the reminder waits for approval",
            trigger: ".modal div[name=letter_state]:contains(To Approve)",
        },
        {
            content: "The dialog names who must approve",
            trigger: ".modal .alert:contains(Ask):contains(Dunning Tour Manager)",
        },
        {
            content: "Neither Send nor Approve & Send is offered",
            trigger:
                ".modal .modal-footer:not(:has(button[name=action_send])):has(button:contains(Discard))",
        },
        {
            content: "Discard",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
    ],
});

/**
 * Opening Send Reminder for a customer not due for a reminder yet says so;
 * Discard leaves no reminder behind (the Python test checks the database).
 */
registry.category("web_tour.tours").add("dunning_followup_discard_tour", {
    steps: () => [
        ...openSendReminder("Dunning Tour Early Co"),
        {
            content: "The dialog says that no reminder is due yet",
            trigger: ".modal .alert:contains(5 days overdue; Friendly reminder starts at 7 days)",
        },
        {
            content: "The preview lists the overdue invoice",
            trigger: ".modal div[name=preview_body]:contains(INV/)",
        },
        {
            content: "Sending needs a confirmation (Send Anyway)",
            trigger: ".modal .modal-footer button.o_dunning_send_early:contains(Send Anyway)",
        },
        {
            content: "Discard",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "The dialog closes",
            trigger: "body:not(:has(.modal))",
        },
        {
            content: "No reminder in the history",
            trigger: ".o_form_view div[name=dunning_letter_ids]:not(:has(.o_data_row))",
        },
    ],
});

/**
 * The To Print queue: reminders of customers without an e-mail address wait
 * there; Print all and mark as posted empties it.
 */
registry.category("web_tour.tours").add("dunning_followup_print_queue_tour", {
    steps: () => [
        {
            content: "The To Print queue is open",
            timeout: 30000,
            trigger: ".o_searchview .o_searchview_facet:contains(To Print)",
        },
        {
            content: "The first printed reminder waits in the queue",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains(Dunning Tour Post A)",
        },
        {
            content: "The second printed reminder waits in the queue",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains(Dunning Tour Post B)",
        },
        {
            content: "Select all",
            trigger: ".o_list_view thead .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Print all and mark as posted",
            trigger: ".o_control_panel button[name=action_print_queue]",
            run: "click",
        },
        {
            content: "The queue is empty",
            timeout: 30000,
            trigger:
                ".o_action_manager:not(:has(.o_list_view .o_data_row td[name=partner_id]:contains(Dunning Tour Post)))",
        },
    ],
});

/**
 * Worklist row actions (manager): the customer whose final notice waits for
 * approval shows Needs Approval and a link to the reminder; Approve in the
 * row approves it; Send opens the Send Reminder dialog; Log Call shows the
 * phone numbers and the person to ask for; with rows selected, Prepare
 * Reminders is the primary button.
 */
registry.category("web_tour.tours").add("dunning_followup_worklist_actions_tour", {
    steps: () => [
        {
            content: "The customer needs approval",
            timeout: 30000,
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval)) td[name=dunning_todo] .badge:contains(Needs Approval)",
        },
        {
            content: "The pending reminder is a link",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval)) td[name=dunning_pending_letter_id] a.o_form_uri:contains(DUN/)",
        },
        {
            content: "Approve in the row",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval)) button[name=action_dunning_approve_pending]",
            run: "click",
        },
        {
            content: "The manager is told the reminder is ready to send",
            timeout: 30000,
            trigger: ".o_notification:contains(Approved — ready to send)",
        },
        {
            content: "The row now reads Ready to Send",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval)) td[name=dunning_todo] .badge:contains(Ready to Send)",
        },
        {
            content: "Send in the row",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval)) button[name=action_dunning_new_letter]",
            run: "click",
        },
        {
            content: "The Send Reminder dialog shows the approved reminder",
            timeout: 30000,
            trigger: ".modal div[name=letter_state]:contains(Approved)",
        },
        {
            content: "Close the dialog",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        {
            content: "Log Call in the row",
            trigger:
                ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval)) button[name=action_dunning_log_call]",
            run: "click",
        },
        {
            content: "The person to ask for is shown",
            timeout: 30000,
            trigger: ".modal div[name=contact_id]:contains(Ann Payables)",
        },
        {
            content: "Her phone number is a click-to-call link",
            trigger: ".modal div[name=contact_phone] a[href^='tel:']",
        },
        {
            content: "Close the Log Call dialog",
            trigger: ".modal .modal-footer button:contains(Discard)",
            run: "click",
        },
        selectRowStep(
            "Select the customer",
            ".o_list_view .o_data_row:has(td[name=display_name]:contains(Dunning Tour Approval))"
        ),
        {
            content: "Prepare Reminders is the primary button",
            timeout: 30000,
            trigger: ".o_control_panel button.btn-primary[name=action_dunning_prepare_letters]",
        },
    ],
});

/**
 * The invoice: a badge next to the due date says how late it is, its level
 * and when it was last reminded; a smart button counts its reminders.
 */
registry.category("web_tour.tours").add("dunning_followup_invoice_badge_tour", {
    steps: () => [
        {
            content: "The badge summarises the dunning of the invoice",
            timeout: 30000,
            trigger:
                ".o_form_view div[name=dunning_badge] .badge:contains(Overdue 50 days · Second reminder · last sent)",
        },
        {
            content: "The smart button counts the reminders",
            trigger:
                ".o_form_view button[name=action_view_dunning_letters]:contains(Reminders):contains(1)",
        },
        {
            content: "Open the reminders",
            trigger: ".o_form_view button[name=action_view_dunning_letters]",
            run: "click",
        },
        {
            content: "The final notice is listed",
            timeout: 30000,
            trigger: ".o_list_view .o_data_row td[name=level_id]:contains(Final notice)",
        },
    ],
});
