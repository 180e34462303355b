"""Two managers post the same members from a previous system at the same moment.

Each runs in its own database transaction, as two Odoo workers would, and the second is retried on
a serialization failure as Odoo's RPC layer retries it: the members are brought over once.
"""

from contextlib import closing

from wallets import race_two_workers, superuser_env

from odoo import api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

TIMEOUT = 30
OPENING_LOCK = "%clinic_member_opening%FOR NO KEY UPDATE%"
NUMBER = "RACE-OLD-0001"


@tagged("post_install", "-at_install")
class TestOpeningRace(TransactionCase):
    def setUp(self):
        super().setUp()
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            self.manager_id = env.ref("base.user_admin").id  # a Clinic Manager
            row = env["clinic.member.opening"].create(
                {"member_number": NUMBER, "name": "并发迁移会员", "member_since": "2024-01-15", "opening_points": 300}
            )
            cr.commit()
            self.row_id = row.id
        self.addCleanup(self._delete)

    def _delete(self):
        with closing(self.registry.cursor()) as cr:
            cr.execute("SELECT member_id FROM clinic_member_opening WHERE id = %s", [self.row_id])
            partner_ids = [pid for (pid,) in cr.fetchall() if pid]
            cr.execute(
                "SELECT id FROM res_partner WHERE member_number = %s OR id = ANY(%s)", [NUMBER, partner_ids or [0]]
            )
            partner_ids = [pid for (pid,) in cr.fetchall()]
            cr.execute("DELETE FROM clinic_member_opening WHERE id = %s", [self.row_id])
            if partner_ids:
                cr.execute(
                    "DELETE FROM clinic_points_allocation WHERE move_id IN "
                    "(SELECT id FROM clinic_points_move WHERE partner_id = ANY(%s))",
                    [partner_ids],
                )
                cr.execute("DELETE FROM clinic_points_move WHERE partner_id = ANY(%s)", [partner_ids])
                cr.execute("DELETE FROM clinic_tier_change WHERE partner_id = ANY(%s)", [partner_ids])
                cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [partner_ids])
            cr.commit()

    def _post(self, cr):
        env = api.Environment(cr, self.manager_id, {"tracking_disable": True})
        env["clinic.member.opening"].browse(self.row_id).action_post()

    def test_the_same_rows_posted_twice_at_once_bring_the_members_over_once(self):
        def post(env):
            self._post(env.cr)

        results = race_two_workers(self.registry, post, post, TIMEOUT, lock=OPENING_LOCK)
        self.assertEqual(results["first"], "done")
        self.assertTrue(results["second_waited"], "the second manager waits on the rows the first is posting")
        self.assertIsInstance(results["second"], UserError)
        self.assertIn("already posted", str(results["second"]))
        with closing(self.registry.cursor()) as cr:
            env = superuser_env(cr)
            members = env["res.partner"].search([("member_number", "=", NUMBER)])
            self.assertEqual(len(members), 1, "one member, never two")
            self.assertEqual(members.points_balance, 300, "her opening points once")
