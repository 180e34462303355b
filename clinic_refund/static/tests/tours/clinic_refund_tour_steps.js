/** @odoo-module **/

import { inputFiles } from "@web/../tests/utils";

// Steps several clinic_refund tours share.

/** Upload the signed scan of the contract open in the form, and store it. */
export function uploadSignedScan(filename) {
    return [
        {
            content: "Upload the scan of the signed paper contract",
            trigger: ".o_form_view button[name=action_upload_scan]",
            run: "click",
        },
        {
            content: "Choose the scan",
            trigger: ".modal .o_field_widget[name=scan_file]",
            async run() {
                const scan = new File(["%PDF-1.4 signed paper contract"], filename, { type: "application/pdf" });
                await inputFiles(".modal .o_field_widget[name=scan_file] .o_input_file", [scan]);
            },
        },
        {
            content: "The scan is uploaded",
            trigger: ".modal .o_field_widget[name=scan_file] .o_clear_file_button",
        },
        {
            content: "Store the signed contract",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
    ];
}

/** On a new refund request: the member, her contract and the reason "dissatisfied". */
export function fileRequestFor(member) {
    return [
        {
            content: "Choose the member",
            trigger: ".o_field_widget[name=partner_id] input",
            run: `edit ${member}`,
        },
        {
            trigger: `.o-autocomplete--dropdown-item:contains(${member})`,
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
    ];
}
