/** @odoo-module **/

import { registry } from "@web/core/registry";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// Data is created by clinic_refund/tests/test_sign_on_phone.py: a contract sent for signature to
// "周手机", a portal member reading zh_CN, who signs it on sign_oca's page on a 390 px phone.

const VIEWER = ".o_sign_oca_iframe:iframe";

registry.category("web_tour.tours").add("clinic_sign_phone_tour", {
    steps: () => [
        {
            content: "The contract fills the phone's width, with the member's signature box on it",
            trigger: `${VIEWER} #viewer.removePageBorders .page .o_sign_oca_field.sign_oca_field_required`,
            run() {
                if (window.innerWidth !== 390) {
                    throw new Error(`The screen is ${window.innerWidth} px wide, not a phone's 390`);
                }
                const viewer = document.querySelector(".o_sign_oca_iframe").contentDocument;
                const width = viewer.querySelector("#viewer .page").getBoundingClientRect().width;
                const room = viewer.getElementById("viewerContainer").clientWidth;
                if (Math.abs(width - room) > 2) {
                    throw new Error(`The page is ${width} px wide on a ${room} px wide viewer`);
                }
            },
        },
        {
            content: "Her date line shows the day she signs, which she does not type",
            trigger: `${VIEWER} .o_sign_oca_field input.o_clinic_sign_readonly`,
            run(helpers) {
                if (!/^\d{4}-\d{2}-\d{2}$/.test(helpers.anchor.value)) {
                    throw new Error(`The date line shows «${helpers.anchor.value}»`);
                }
            },
        },
        {
            content: "She opens the signature pad on her signature line",
            trigger: `${VIEWER} .o_sign_oca_field.sign_oca_field_required > div`,
            run: "click",
        },
        chineseScreen("The signature pad", ".modal .modal-footer .btn-primary:enabled"),
        {
            content: "and adopts her name as signature",
            trigger: ".modal .modal-footer .btn-primary:enabled",
            run: "click",
        },
        {
            content: "The button to sign is visible, on the screen, under her thumb",
            trigger: "#sign_oca_button:visible:enabled",
            run(helpers) {
                const box = helpers.anchor.getBoundingClientRect();
                if (box.top < 0 || box.bottom > window.innerHeight || box.width < window.innerWidth / 2) {
                    throw new Error(`The button to sign is at ${JSON.stringify(box)}`);
                }
                return helpers.click();
            },
        },
        {
            content: "The page thanking her leads back to her contract",
            trigger: ".o_clinic_sign_done a.o_clinic_sign_back[href^='/my/prepaid-contracts/']",
            run() {
                const text = document.querySelector(".o_clinic_sign_done").innerText;
                const english = (text.match(/[A-Za-z]{3,}/g) || []).filter((word) => word !== "PDF");
                if (english.length) {
                    throw new Error(`English on the zh_CN page after signing: ${english.join(", ")}`);
                }
            },
        },
    ],
});
