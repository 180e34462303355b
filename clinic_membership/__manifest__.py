{
    "name": "Clinic Membership",
    "summary": "Member tiers, points ledger and member cards for aesthetic clinics",
    "version": "18.0.1.0.0",
    "category": "Sales/Clinic",
    "website": "https://github.com/clinic-suite/clinic",
    "author": "Clinic Suite",
    "license": "LGPL-3",
    "depends": ["account", "product", "mail", "portal"],
    "data": [
        "security/clinic_security.xml",
        "security/ir.model.access.csv",
        "views/clinic_menus.xml",
    ],
    "demo": [
        "demo/res_users_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "clinic_membership/static/tests/tours/*.js",
        ],
    },
    "application": True,
}
