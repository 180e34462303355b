/** @odoo-module **/

import { registry } from "@web/core/registry";
import { uploadSignedScan } from "./clinic_refund_tour_steps";

// Data is created by clinic_refund/tests/test_ui.py: a draft contract for "Tour Member 游客"
// of 3,000 principal and 1,000 bonus, and a posted invoice of 1,000 for the same member.
registry.category("web_tour.tours").add("clinic_refund_stored_value_tour", {
    steps: () => [
        ...uploadSignedScan("signed_scan.pdf"),
        {
            content: "Activate the signed contract",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Signed)",
        },
        {
            trigger: ".o_form_view button[name=action_activate]",
            run: "click",
        },
        {
            content: "Top up",
            trigger: ".o_form_view button[name=action_topup]",
            run: "click",
        },
        {
            content: "The contract's principal is proposed",
            trigger: ".modal .o_field_widget[name=amount] input:value(3,000.00)",
        },
        {
            content: "Confirm the top-up",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The balance shows the top-up",
            trigger: ".o_form_view .o_field_widget[name=balance_principal]:contains(3,000.00)",
        },
        {
            content: "Open the customer invoices",
            trigger: "body:not(:has(.modal))",
            run: "goToUrl /odoo/action-account.action_move_out_invoice_type",
        },
        {
            content: "Open the member's invoice",
            trigger: ".o_list_view .o_data_row td:contains(Tour Member)",
            run: "click",
        },
        {
            content: "Pay it from stored value",
            trigger: ".o_form_view button[name=action_clinic_pay_from_stored_value]",
            run: "click",
        },
        {
            content: "The whole invoice is proposed",
            trigger: ".modal .o_field_widget[name=amount] input:value(1,000.00)",
        },
        {
            content: "Pay",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The invoice is paid",
            trigger: ".o_form_view .ribbon span:contains(Paid)",
        },
    ],
});
