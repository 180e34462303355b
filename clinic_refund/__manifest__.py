{
    "name": "Clinic Prepaid Cards and Refunds",
    "summary": "Signed prepaid contracts, the stored-value journal, refund requests and approvals",
    "version": "18.0.1.0.0",
    "category": "Sales/Clinic",
    "website": "https://github.com/clinic-suite/clinic",
    "author": "Clinic Suite",
    "license": "LGPL-3",
    "depends": ["clinic_membership", "account", "base_tier_validation", "sign_oca"],
    "data": [
        "security/ir.model.access.csv",
        "views/clinic_refund_menus.xml",
    ],
    "assets": {
        # sign_oca 18.0 still ships a pre-17 tour (odoo.define / web_tour.tour) that breaks
        # the whole test bundle, and with it every browser tour of the database.
        "web.assets_tests": [
            ("remove", "sign_oca/static/src/tests/sign_tour.esm.js"),
        ],
    },
}
