/** @odoo-module **/

import { registry } from "@web/core/registry";
import { chineseScreen } from "@clinic_membership/../tests/tours/clinic_zh_cn";

// clinic_campaign/tests/test_booking.py: a member reading zh_CN books a consultation on her phone
// (375 px): she chooses the booking type, a day and a time, and confirms.

const PORTAL = ["#wrap"];

registry.category("web_tour.tours").add("clinic_booking_portal_tour", {
    steps: () => [
        chineseScreen("The booking types open to members", ".o_clinic_booking_type", PORTAL),
        {
            content: "Choose a time for a consultation",
            trigger: ".o_clinic_booking_type:has(.o_clinic_booking_type_name:contains(面诊咨询)) .o_clinic_booking_choose",
            run: "click",
        },
        chineseScreen("The month of free times", ".o_booking_calendar .dropdown-toggle", PORTAL),
        {
            content: "Open the first day with free times",
            trigger: ".o_booking_calendar .dropdown-toggle:first",
            run: "click",
        },
        {
            content: "Choose its first time",
            trigger: ".o_booking_calendar .slots-dropdown.show .dropdown-item:first",
            run: "click",
        },
        chineseScreen("The confirmation", ".modal.show button[type=submit]", [".modal.show"]),
        {
            content: "Confirm the booking",
            trigger: ".modal.show button[type=submit]:contains(确认预约)",
            run: "click",
        },
        {
            content: "The booking is confirmed",
            trigger: "#booking_content .badge:contains(已确认)",
        },
        chineseScreen("The confirmed booking", "#booking_content .o_clinic_booking_start", ["#booking_content"]),
        {
            content: "The conversation with the clinic is loaded (the tour ends after its assets)",
            trigger: "#booking_chat .o_portal_chatter",
            async run() {
                await odoo.portalChatterReady;
            },
        },
    ],
});
