{
    "name": "Dunning Follow-up",
    "summary": "Collect overdue receivables: aging, dunning levels, reminder letters "
    "and e-mails with review and approval",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "author": "dunning_followup contributors",
    "website": "https://github.com/dunning-followup/dunning_followup",
    "license": "LGPL-3",
    "depends": ["account", "mail"],
    "external_dependencies": {"python": ["num2words", "qrcode"]},
    "data": [
        "security/dunning_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/mail_template_data.xml",
        "data/dunning_level_data.xml",
        "data/ir_cron_data.xml",
        "views/dunning_level_views.xml",
        "views/dunning_letter_views.xml",
        "views/res_partner_views.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/dunning_send_wizard_views.xml",
        "views/menu.xml",
    ],
    "demo": [
        "demo/dunning_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "dunning_followup/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
