/** @odoo-module **/
import {patch} from "@web/core/utils/patch";
import textSignOca from "@sign_oca/elements/text.esm";

// sign_oca renders its text fields to a string, which drops their value: show it. A field the clinic
// fills (the date of signing) is not the member's to type.
patch(textSignOca, {
    generate(parent, item, signatureItem) {
        const input = super.generate(parent, item, signatureItem);
        if (input && input.tagName === "INPUT") {
            if (item.value) {
                input.value = item.value;
            }
            if (item.clinic_readonly) {
                input.readOnly = true;
                input.classList.add("o_clinic_sign_readonly");
            }
        }
        return input;
    },
});
