import { registry } from "@web/core/registry";

/**
 * Update the payment method (anonymous customer): the tour starts on the
 * invoice's portal page linked from the failure e-mail (with its access
 * token), pays with a new card through the demo provider and saves it. The
 * Python test checks the payment, the new token and the retry of the
 * customer's other failed invoice.
 */
registry.category("web_tour.tours").add("dunning_followup_payment_update_tour", {
    steps: () => [
        {
            content: "The invoice page offers to pay",
            trigger: "a[data-bs-target='#pay_with']:contains(Pay Now)",
            run: "click",
        },
        {
            content: "The saved card failed: choose another method",
            trigger: "#pay_with button[name=o_payment_expand_button]",
            run: "click",
        },
        {
            content: "Choose the demo provider to enter a new card",
            trigger:
                "#pay_with input[name=o_payment_radio][data-payment-option-type=payment_method][data-provider-code=demo]",
            run: "click",
        },
        {
            content: "Enter the new card's details",
            trigger: "#pay_with #customer_input",
            run: "edit 4111111111115555",
        },
        {
            content: "The payment will succeed",
            trigger: "#pay_with #simulated_payment_state",
            run: "select done",
        },
        {
            content: "Save the new card for the next charges",
            trigger: "#pay_with input[name=o_payment_tokenize_checkbox]",
            run: "check",
        },
        {
            content: "Pay",
            trigger: "#pay_with button[name=o_payment_submit_button]:enabled",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back on the invoice, which is paid",
            trigger: "div[name=invoice_paid_badge]:contains(Paid)",
            timeout: 30000,
        },
    ],
});
