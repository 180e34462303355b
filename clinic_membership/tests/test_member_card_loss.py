"""A lost member card (法释〔2025〕4号 art. 24): blocked at once, a new number, nothing else moves."""

import re

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import ClinicMembershipCase


class CardLossCase(ClinicMembershipCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls.create_member("挂失会员", email="lost.card@example.com")
        cls.create_invoice(cls.member, 2000)

    def state(self):
        """Everything a report of a lost card could move, read as the superuser."""
        self.env.flush_all()
        self.env.invalidate_all()
        env = self.env(su=True)
        members = env["res.partner"].search([("member_number", "!=", False)], order="id")
        return {
            "members": [(m.id, m.member_number, m.tier_id.id, m.points_balance, m.qualifying_spend) for m in members],
            "points": env["clinic.points.move"].search_read([], ["partner_id", "points"], order="id"),
            "tier_changes": env["clinic.tier.change"].search_count([]),
            "losses": env["clinic.member.card.loss"].search_read([], ["lost_number", "new_number"], order="id"),
        }


@tagged("post_install", "-at_install")
class TestMemberCardLoss(CardLossCase):
    def test_lost_card_is_blocked_and_replaced_balances_untouched(self):
        old = self.member.member_number
        before = self.state()
        points, tier, spend = self.member.points_balance, self.member.tier_id, self.member.qualifying_spend
        self.member.with_user(self.frontdesk).with_context(clinic_card_number=old).action_report_card_lost()

        new = self.member.member_number
        self.assertNotEqual(new, old)
        self.assertRegex(new, r"^M\d{6}$", "a number of the same sequence")
        loss = self.member.member_card_loss_ids
        self.assertRecordValues(
            loss, [{"lost_number": old, "new_number": new, "user_id": self.frontdesk.id, "channel": "desk"}]
        )
        self.assertEqual(loss.company_id, self.member.member_company_id)
        self.assertEqual(
            (self.member.points_balance, self.member.tier_id, self.member.qualifying_spend), (points, tier, spend)
        )
        after = self.state()
        self.assertEqual(after["points"], before["points"], "the points ledger is untouched")
        self.assertEqual(after["tier_changes"], before["tier_changes"])
        self.assertIn(old, self.member.message_ids[0].body, "the chatter says which card was lost")
        self.assertIn(new, self.member.message_ids[0].body)
        card = self.env["ir.actions.report"]._render_qweb_html("clinic_membership.report_member_card", self.member.ids)
        self.assertIn(new, card[0].decode(), "the new card carries the new number (and its QR code)")
        self.assertNotIn(old, card[0].decode())

    def test_the_lost_number_finds_nobody_and_says_why(self):
        old = self.member.member_number
        self.member.with_user(self.frontdesk).action_report_card_lost()
        Partner = self.env["res.partner"].with_user(self.frontdesk)
        for typed in (old, old.lower(), f"  {old} "):
            with self.assertRaisesRegex(UserError, f"Card {old} was reported lost on .* blocked"):
                Partner.name_search(typed, [("is_member", "=", True)])  # the member fields of checkout, redemption
            with self.assertRaisesRegex(UserError, "reported lost"):
                Partner.search([("display_name", "ilike", typed)])  # the members' search (a scan of the QR code)
        self.assertEqual(Partner.search([("member_number", "=", old)]), Partner, "no member holds it")
        self.assertEqual(Partner.search([("display_name", "ilike", self.member.member_number)]), self.member)
        self.assertEqual(Partner.name_search(self.member.member_number)[0][0], self.member.id)
        self.assertEqual(
            Partner.search([("display_name", "ilike", "挂失会员")]), self.member, "her name still finds her"
        )

    def test_a_card_is_reported_lost_once(self):
        old = self.member.member_number
        self.member.with_user(self.frontdesk).with_context(clinic_card_number=old).action_report_card_lost()
        before = self.state()
        # a second desk, on a form opened before the first report, clicks again: the new card stays valid
        with self.assertRaisesRegex(UserError, f"Card {old} was already reported lost"):
            self.member.with_user(self.manager).with_context(clinic_card_number=old).action_report_card_lost()
        with self.assertRaisesRegex(UserError, "already reported lost"):
            self.member.with_user(self.frontdesk)._do_report_card_lost(old, "desk")
        self.assertEqual(self.state(), before)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError, msg="the database refuses it too"):
            self.env["clinic.member.card.loss"].sudo().create(
                {
                    "partner_id": self.member.id,
                    "company_id": self.member.member_company_id.id,
                    "lost_number": old,
                    "new_number": "X",
                    "channel": "desk",
                }
            )
            self.env.flush_all()

    def test_new_card_lost_too_and_another_members_number_refused(self):
        other = self.create_member("别的会员")
        first = self.member.member_number
        self.member.with_user(self.frontdesk).action_report_card_lost()
        second = self.member.member_number
        self.member.with_user(self.frontdesk).action_report_card_lost()
        self.assertEqual(self.member.member_card_loss_ids.mapped("lost_number"), [second, first])
        before = self.state()
        with self.assertRaisesRegex(UserError, "is not the card of"):
            self.member.with_user(self.frontdesk).with_context(
                clinic_card_number=other.member_number
            ).action_report_card_lost()
        with self.assertRaisesRegex(UserError, "has no member card"):
            self.env["res.partner"].create({"name": "Visitor"}).with_user(self.frontdesk).action_report_card_lost()
        self.assertEqual(self.state(), before)

    def test_a_lost_number_is_never_given_again(self):
        old = self.member.member_number
        self.member.action_report_card_lost()
        other = self.create_member("别的会员")
        wizard = self.env["clinic.member.correction"].create(
            {"partner_id": other.id, "member_number": old, "reason": "typo"}
        )
        with self.assertRaisesRegex(UserError, "reported lost"):
            wizard.action_confirm()
        sequence = self.env.ref("clinic_membership.seq_clinic_member")
        sequence.number_next = int(old[1:])  # the sequence meets the lost number: it is skipped
        self.create_member("新会员")
        self.assertNotIn(old, self.env["res.partner"].search([("is_member", "=", True)]).mapped("member_number"))


@tagged("post_install", "-at_install")
class TestHostileMemberCardLoss(CardLossCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = "base.group_user,base.group_partner_manager,"
        cls.accountant = new_test_user(
            cls.env, "cl_accountant", groups=staff + "clinic_membership.group_clinic_accountant"
        )
        cls.director = new_test_user(cls.env, "cl_director", groups=staff + "clinic_membership.group_clinic_director")
        cls.employee = new_test_user(cls.env, "cl_employee", groups="base.group_user,base.group_partner_manager")
        cls.portal = new_test_user(cls.env, "cl_portal", groups="base.group_portal")
        cls.member.action_report_card_lost()
        cls.loss = cls.member.member_card_loss_ids

    def test_nobody_writes_creates_or_deletes_a_loss_record(self):
        before = self.state()
        for user in (self.frontdesk, self.manager, self.accountant, self.director, self.employee, self.portal):
            Loss = self.env["clinic.member.card.loss"].with_user(user)
            # (an AccessError is a UserError)
            with self.assertRaises(UserError, msg=user.login):
                self.loss.with_user(user).write({"lost_number": "M999999"})
            with self.assertRaises(UserError, msg=user.login):
                self.loss.with_user(user).unlink()
            with self.assertRaises(AccessError, msg=user.login):
                Loss.create({"partner_id": self.member.id, "company_id": self.company.id, "lost_number": "M1"})
            with self.assertRaises(AccessError, msg=user.login):
                self.member.with_user(user).write({"member_number": "M999999"})
        with self.assertRaises(UserError, msg="not even the superuser"):
            self.loss.sudo().write({"new_number": "M999999"})
        with self.assertRaises(UserError):
            self.loss.sudo().unlink()
        self.assertEqual(self.state(), before)

    def test_only_staff_report_a_card_lost_at_the_desk(self):
        before = self.state()
        for user in (self.employee, self.portal):
            with self.assertRaises(AccessError, msg=user.login):
                self.member.with_user(user).action_report_card_lost()
        self.assertEqual(self.state(), before)
        for user in (self.accountant, self.director):
            member = self.create_member(f"会员 {user.login}")
            member.with_user(user).action_report_card_lost()
            self.assertEqual(member.member_card_loss_ids.user_id, user)

    def test_portal_member_reports_only_her_own_card(self):
        own = self.create_member("门户会员")
        user = new_test_user(self.env, "cl_portal_member", groups="base.group_portal", partner_id=own.id, name=own.name)
        before = self.state()
        for number in (self.member.member_number, self.loss.lost_number, "", None, 12):
            with self.assertRaises(UserError):
                own.with_user(user)._clinic_portal_report_card_lost(number)
        with self.assertRaises(AccessError):
            self.member.with_user(user)._clinic_portal_report_card_lost(self.member.member_number)
        self.assertEqual(self.state(), before)
        self.assertFalse(self.env["clinic.member.card.loss"].with_user(user).search([]), "she reads no one else's")
        number = own.member_number
        own.with_user(user)._clinic_portal_report_card_lost(number)
        self.assertRecordValues(
            own.member_card_loss_ids, [{"lost_number": number, "channel": "portal", "user_id": user.id}]
        )
        self.assertEqual(self.env["clinic.member.card.loss"].with_user(user).search([]), own.member_card_loss_ids)


@tagged("post_install", "-at_install")
class TestMemberCardLossPortal(HttpCase, CardLossCase):
    def setUp(self):
        super().setUp()
        self.user = new_test_user(
            self.env, "cl_portal_http", groups="base.group_portal", partner_id=self.member.id, name=self.member.name
        )
        self.other = self.create_member("别的会员")
        self.authenticate(self.user.login, self.user.login)

    def csrf_token(self):
        page = self.url_open("/my/membership")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_clinic_report_card_lost", page.text)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def test_member_reports_her_card_lost_in_the_portal(self):
        old = self.member.member_number
        token = self.csrf_token()
        response = self.url_open("/my/membership/card/lost", data={"csrf_token": token, "card_number": old})
        self.assertEqual(response.status_code, 200)
        self.assertIn("o_clinic_card_lost", response.text)
        self.member.invalidate_recordset()
        self.assertNotEqual(self.member.member_number, old)
        self.assertIn(self.member.member_number, response.text)
        self.assertIn("o_clinic_lost_card_row", response.text)
        self.assertRecordValues(self.member.member_card_loss_ids, [{"lost_number": old, "channel": "portal"}])
        again = self.url_open("/my/membership/card/lost", data={"csrf_token": token, "card_number": old})
        self.assertIn("already reported lost", again.text, "a second submit is refused cleanly")
        self.assertEqual(len(self.member.member_card_loss_ids), 1)

    def test_another_members_card_or_no_csrf_token_is_refused(self):
        before = self.state()
        token = self.csrf_token()
        response = self.url_open(
            "/my/membership/card/lost", data={"csrf_token": token, "card_number": self.other.member_number}
        )
        self.assertIn("is not the card of", response.text)
        without_token = self.url_open("/my/membership/card/lost", data={"card_number": self.member.member_number})
        self.assertEqual(without_token.status_code, 400)
        self.assertEqual(self.url_open("/my/membership/card/lost").status_code, 405, "a GET is not a report")
        self.assertEqual(self.state(), before)


@tagged("post_install", "-at_install")
class TestHostileMemberCardLossRpc(HttpCase, CardLossCase):
    """The same attacks as JSON-RPC calls of the web client's own route: a clean refusal, nothing moved."""

    CLEAN_ERRORS = ("odoo.exceptions.AccessError", "odoo.exceptions.UserError", "odoo.exceptions.ValidationError")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_member = cls.create_member("门户会员")
        cls.portal_user = new_test_user(
            cls.env, "cl_rpc_portal", groups="base.group_portal", partner_id=cls.portal_member.id, name="门户会员"
        )
        cls.member.action_report_card_lost()
        cls.loss = cls.member.member_card_loss_ids

    def call(self, user, model, method, *args, **kwargs):
        self.authenticate(user.login, user.login)
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def assertRpcRefused(self, user, model, method, *args, **kwargs):
        before = self.state()
        with self.assertRaises(JsonRpcException) as caught:
            self.call(user, model, method, *args, **kwargs)
        self.assertIn(str(caught.exception), self.CLEAN_ERRORS, "a clean refusal, not a database or Python error")
        self.assertEqual(self.state(), before)

    def test_loss_records_and_reports_over_rpc(self):
        Loss = "clinic.member.card.loss"
        for user in (self.frontdesk, self.manager):
            self.assertRpcRefused(user, Loss, "write", self.loss.ids, {"lost_number": "M999999"})
            self.assertRpcRefused(user, Loss, "unlink", self.loss.ids)
            self.assertRpcRefused(
                user,
                Loss,
                "create",
                [{"partner_id": self.member.id, "company_id": self.company.id, "lost_number": "X"}],
            )
            self.assertRpcRefused(user, "res.partner", "write", self.member.ids, {"member_number": "M999999"})
            self.assertRpcRefused(
                user, "res.partner", "_do_report_card_lost", self.member.ids, self.member.member_number, "desk"
            )
        number = self.portal_member.member_number
        for partner in (self.member, self.portal_member):
            self.assertRpcRefused(self.portal_user, "res.partner", "action_report_card_lost", partner.ids)
            self.assertRpcRefused(
                self.portal_user, "res.partner", "_clinic_portal_report_card_lost", partner.ids, partner.member_number
            )
        self.assertEqual(self.portal_member.member_number, number)
        self.call(
            self.frontdesk,
            "res.partner",
            "action_report_card_lost",
            self.portal_member.ids,
            context={"clinic_card_number": number},
        )
        self.portal_member.invalidate_recordset()
        self.assertNotEqual(self.portal_member.member_number, number, "the desk's own call goes through")
