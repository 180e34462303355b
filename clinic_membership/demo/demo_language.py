def demo_language(env, module):
    """The demo clinic speaks Chinese: its records, chatter and ledger labels are written in zh_CN
    where the language is installed (whatever language the installing process runs in).

    Odoo loads an addon's translations after its demo data: ``module``'s are loaded first here, so
    that what the demo copies from the addon's own records (contract terms, labels) is Chinese too.
    """
    if "zh_CN" not in dict(env["res.lang"].get_installed()):
        return env
    env["ir.module.module"]._load_module_terms([module], ["zh_CN"])
    env.invalidate_all()  # the terms were written in SQL: records read before must read them again
    return env(context=dict(env.context, lang="zh_CN"))
