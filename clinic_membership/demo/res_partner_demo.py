from datetime import timedelta

from odoo import api, fields, models

from .demo_language import demo_language

DEMO_MEMBERS = [
    # name, phone, city, birthday (m-d), consultant xmlid, [(product xmlid, days ago)]
    (
        "王丽娟",
        "+86 139 1000 0001",
        "上海",
        "03-08",
        "user_clinic_consultant",
        [("product_treatment_ipl", 20)],
    ),
    (
        "张敏",
        "+86 139 1000 0002",
        "上海",
        "07-15",
        "user_clinic_manager",
        [("product_treatment_hyaluronic", 200), ("product_treatment_ipl", 60)],
    ),
    (
        "李晓燕",
        "+86 139 1000 0003",
        "杭州",
        "11-28",
        "user_clinic_manager",
        [("product_surgery_eyelid", 150), ("product_treatment_ipl", 30)],
    ),
    (
        "陈思雨",
        "+86 139 1000 0004",
        "北京",
        "01-20",
        "user_clinic_consultant",
        [
            ("product_treatment_thermage", 250),
            ("product_treatment_thermage", 90),
            ("product_treatment_hyaluronic", 40),
        ],
    ),
    (
        "刘婷",
        "+86 139 1000 0005",
        "深圳",
        "05-05",
        "user_clinic_manager",
        [
            ("product_surgery_rhinoplasty", 300),
            ("product_treatment_thermage", 120),
            ("product_surgery_eyelid", 10),
        ],
    ),
    ("赵雅琪", "+86 139 1000 0006", "成都", "09-09", "user_clinic_consultant", []),
    (
        "孙悦",
        "+86 139 1000 0007",
        "南京",
        "12-01",
        "user_clinic_manager",
        [
            ("product_surgery_rhinoplasty", 340),
            ("product_surgery_rhinoplasty", 180),
            ("product_treatment_thermage", 100),
            ("product_treatment_thermage", 50),
            ("product_surgery_rhinoplasty", 15),
        ],
    ),
    (
        "周杰",
        "+86 139 1000 0008",
        "广州",
        "04-18",
        "user_clinic_consultant",
        [("product_treatment_hyaluronic", 5)],
    ),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _clinic_create_demo_members(self):
        return self.with_env(demo_language(self.env, "clinic_membership"))._clinic_demo_members()

    @api.model
    def _clinic_demo_members(self):
        """Demo members across tiers, with posted invoices (where a chart of accounts exists)."""
        company = self.env.ref("base.main_company")
        if self.search_count([("is_member", "=", True), ("member_company_id", "=", company.id)]) > 1:
            return
        env = self.with_company(company).env
        journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
        today = fields.Date.context_today(self)
        portal = self.env.ref("clinic_membership.partner_member_portal", raise_if_not_found=False)
        members = self.browse()
        for name, phone, city, birthday, consultant, invoices in DEMO_MEMBERS:
            month, day = map(int, birthday.split("-"))
            partner = self.create(
                {
                    "name": name,
                    "lang": self.env.lang,  # the database's default partner language may be English
                    "phone": phone,
                    "city": city,
                    "country_id": self.env.ref("base.cn").id,
                    "email": f"member{len(members) + 1}@example.com",
                    "birthday": fields.Date.to_date(f"1990-{month:02d}-{day:02d}"),
                    "consultant_id": self.env.ref(f"clinic_membership.{consultant}").id,
                    "consent_email": True,
                    "consent_sms": len(members) % 2 == 0,
                    "consent_wechat": True,
                }
            )
            partner.with_company(company).action_enrol_member()
            members |= partner
            if journal:
                for product_ref, days_ago in invoices:
                    self._clinic_demo_invoice(partner, product_ref, today - timedelta(days=days_ago), journal)
        if portal and not portal.is_member:
            portal.write(
                {
                    "lang": self.env.lang,
                    "consultant_id": self.env.ref("clinic_membership.user_clinic_manager").id,
                    "consent_email": True,
                }
            )
            portal.with_company(company).action_enrol_member()
            if journal:
                self._clinic_demo_invoice(portal, "product_treatment_thermage", today - timedelta(days=45), journal)
        if len(members) > 1:
            members[0].referred_by_id = members[1]
        if self.env.lang == "zh_CN":  # the demo staff read their screens in Chinese
            staff = ("manager", "frontdesk", "consultant", "accountant", "director")
            for key in staff:
                user = self.env.ref(f"clinic_membership.user_clinic_{key}", raise_if_not_found=False)
                if user:
                    user.lang = "zh_CN"
        return members

    @api.model
    def _clinic_demo_invoice(self, partner, product_ref, date, journal):
        product = self.env.ref(f"clinic_membership.{product_ref}")
        invoice = (
            self.env["account.move"]
            .with_company(journal.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_date": date,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {"product_id": product.id, "quantity": 1, "price_unit": product.list_price}
                        )
                    ],
                }
            )
        )
        invoice.action_post()
        return invoice
