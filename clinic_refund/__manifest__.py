{
    "name": "Clinic Prepaid Cards and Refunds",
    "summary": "Signed prepaid contracts, the stored-value journal, refund requests and approvals",
    "version": "18.0.1.0.0",
    "category": "Sales/Clinic",
    "website": "https://github.com/clinic-suite/clinic",
    "author": "Clinic Suite",
    "license": "LGPL-3",
    "depends": ["clinic_membership", "account", "portal", "base_tier_validation", "sign_oca"],
    "data": [
        "security/clinic_refund_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/clinic_contract_template_data.xml",
        "report/clinic_prepaid_contract_report.xml",
        "wizard/clinic_contract_scan_upload_views.xml",
        "wizard/clinic_stored_value_topup_views.xml",
        "wizard/clinic_stored_value_pay_views.xml",
        "wizard/clinic_stored_value_reconciliation_views.xml",
        "views/clinic_contract_template_views.xml",
        "views/clinic_prepaid_contract_views.xml",
        "views/clinic_stored_value_move_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "views/clinic_prepaid_contract_portal_templates.xml",
        "views/clinic_refund_menus.xml",
    ],
    "demo": [
        "demo/clinic_refund_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "assets": {
        # sign_oca 18.0 still ships a pre-17 tour (odoo.define / web_tour.tour) that breaks
        # the whole test bundle, and with it every browser tour of the database.
        "web.assets_tests": [
            ("remove", "sign_oca/static/src/tests/sign_tour.esm.js"),
            "clinic_refund/static/tests/tours/*.js",
        ],
    },
}
