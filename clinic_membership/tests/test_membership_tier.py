from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ClinicMembershipCase


@tagged("post_install", "-at_install")
class TestMembershipTier(ClinicMembershipCase):
    def test_default_ladder(self):
        tiers = self.env["clinic.membership.tier"]._tiers_by_company(self.company)
        self.assertEqual(tiers.mapped("min_spend"), [0, 10000, 50000, 200000])
        self.assertEqual(tiers.mapped("points_per_unit"), [1, 1.2, 1.5, 2])
        self.assertTrue(all(tiers.mapped("pricelist_id")))

    def test_threshold_must_rise_with_rank(self):
        with self.assertRaisesRegex(ValidationError, "needs a higher minimum spend"):
            self.tier_gold.min_spend = 5000  # below Silver's 10,000
        self.tier_gold.invalidate_recordset(flush=False)
        self.assertEqual(self.tier_gold.min_spend, 50000)
        with self.assertRaises(ValidationError):
            self.env["clinic.membership.tier"].create({"name": "Platinum", "sequence": 35, "min_spend": 40000})

    @mute_logger("odoo.sql_db")
    def test_negative_threshold_or_rate_refused(self):
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["clinic.membership.tier"].create({"name": "Bad", "sequence": 99, "min_spend": -1})
        with self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["clinic.membership.tier"].create(
                {"name": "Bad", "sequence": 99, "min_spend": 900000, "points_per_unit": -1}
            )

    def test_pricelist_in_other_currency_refused(self):
        usd = self.env.ref("base.USD")
        usd.active = True
        other = usd if self.currency != usd else self.env.ref("base.EUR")
        other.active = True
        pricelist = self.env["product.pricelist"].create({"name": "Foreign", "currency_id": other.id})
        with self.assertRaisesRegex(ValidationError, "pricelist"):
            self.tier_silver.pricelist_id = pricelist

    def test_tiers_per_company(self):
        other = self.env["res.company"].create({"name": "Clinic Hangzhou"})
        tier = self.env["clinic.membership.tier"].create(
            {"name": "Entry", "company_id": other.id, "min_spend": 0, "sequence": 1}
        )
        self.assertEqual(self.env["clinic.membership.tier"]._tiers_by_company(other), tier)
        self.assertNotIn(tier, self.env["clinic.membership.tier"]._tiers_by_company(self.company))
        # a user of the main company only does not see the other company's tiers
        self.assertNotIn(tier, self.env["clinic.membership.tier"].with_user(self.manager).search([]))
