/** @odoo-module **/

import { registry } from "@web/core/registry";
import { inputFiles } from "@web/../tests/utils";

// Data is created by clinic_refund/tests/test_ui.py: an active contract of "Tour Refund Member 退款".
function addEvidence(kind, filename) {
    return [
        {
            content: `Add a ${kind} line`,
            trigger: ".o_field_widget[name=evidence_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: `It is a ${kind}`,
            trigger: ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=evidence_type] select",
            run: `select "${kind}"`,
        },
        {
            content: `Upload the ${kind}`,
            trigger: ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=datas]",
            async run() {
                const file = new File(["%PDF-1.4 evidence"], filename, { type: "application/pdf" });
                await inputFiles(
                    ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=datas] .o_input_file",
                    [file]
                );
            },
        },
        {
            content: `The ${kind} is uploaded`,
            trigger: ".o_field_widget[name=evidence_ids] .o_selected_row .o_field_widget[name=datas] .o_clear_file_button",
        },
    ];
}

registry.category("web_tour.tours").add("clinic_refund_request_file_tour", {
    steps: () => [
        {
            content: "Choose the member",
            trigger: ".o_field_widget[name=partner_id] input",
            run: "edit Tour Refund Member",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour Refund Member)",
            run: "click",
        },
        {
            content: "Choose the contract",
            trigger: ".o_field_widget[name=contract_id] input",
            run: "edit PC/",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(PC/)",
            run: "click",
        },
        {
            content: "The member is dissatisfied",
            trigger: ".o_field_widget[name=reason] select",
            run: 'select "dissatisfied"',
        },
        {
            content: "The refund follows the contract's terms",
            trigger: ".o_field_widget[name=amount_refundable]:contains(2,000.00)",
        },
        {
            content: "Open the evidence",
            trigger: ".o_notebook a.nav-link:contains(Evidence)",
            run: "click",
        },
        ...addEvidence("contract", "contract.pdf"),
        ...addEvidence("payment_voucher", "voucher.pdf"),
        {
            content: "Submit it for approval",
            trigger: ".o_form_view button[name=action_submit]",
            run: "click",
        },
        {
            content: "The request waits for approval",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(To Approve)",
        },
    ],
});

registry.category("web_tour.tours").add("clinic_refund_request_approve_tour", {
    steps: () => [
        {
            content: "Approve the refund",
            trigger: ".o_form_view button[name=validate_tier]",
            run: "click",
        },
        {
            content: "The request is approved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Approved)",
        },
    ],
});

registry.category("web_tour.tours").add("clinic_refund_request_pay_tour", {
    steps: () => [
        {
            content: "Pay the refund",
            trigger: ".o_form_view .o_form_statusbar button:contains(Pay Refund)",
            run: "click",
        },
        {
            content: "Confirm the payment",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The refund is paid",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains(Paid)",
        },
    ],
});
