"""The tier evaluation moved to the tiers and the points expiry warning to the points ledger:
their crons (noupdate) follow them."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    moved = {
        "clinic_membership.ir_cron_evaluate_tiers": ("clinic.membership.tier", "model._cron_evaluate_tiers()"),
        "clinic_membership.ir_cron_warn_points_expiry": ("clinic.points.move", "model._cron_warn_expiry()"),
    }
    for xmlid, (model, code) in moved.items():
        cron = env.ref(xmlid, raise_if_not_found=False)
        if cron:
            cron.write({"model_id": env["ir.model"]._get_id(model), "code": code})
