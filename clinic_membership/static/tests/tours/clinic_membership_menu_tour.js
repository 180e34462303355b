/** @odoo-module **/

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("clinic_membership_menu_tour", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Clinic app",
            trigger: '.o_app[data-menu-xmlid="clinic_membership.menu_clinic_root"]',
            run: "click",
        },
        {
            content: "The Members list is shown",
            trigger: ".o_breadcrumb:contains(Members)",
        },
    ],
});
