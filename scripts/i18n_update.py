#!/usr/bin/env python3
"""Re-export i18n/dunning_followup.pot with Odoo's own exporter and merge it
into every i18n/*.po file.

1. Starts a throwaway PostgreSQL cluster (as the test command does) and
   installs the addon in a scratch database.
2. ``odoo i18n export dunning_followup`` writes the template.
3. Each ``.po`` keeps its translations; new terms are added untranslated, terms
   that left the code are dropped. Translate the new ones, then run the tests:
   they fail while a ``.po`` has an untranslated or fuzzy entry.

Add a language: ``python3 scripts/i18n_update.py --add pt_BR`` creates
``i18n/pt_BR.po`` from the template (then translate it and add its code to
LANGUAGES in tests/test_i18n.py).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _odoo_bootstrap as B  # noqa: E402
import _odoo_env as E  # noqa: E402

I18N = E.REPO_ROOT / "i18n"
POT = I18N / f"{E.MODULE}.pot"
DB = "dunning_i18n"


def export_pot() -> int:
    odoo, why = E.find_odoo()
    if odoo is None or odoo.broken:
        E.banner(
            [
                "ODOO NOT FOUND — exporting the template needs Odoo 19",
                *E.NOT_FOUND_HELP[1:],
            ]
        )
        E.say(f"(why: {why or odoo.broken})")
        return 2
    base = E.new_temp_base("dunning-i18n-")
    cluster = E.PgCluster(base / "pg", E.ensure_postgres())
    try:
        cluster.init()
        cluster.start()
        common = E.odoo_common_args(odoo, cluster, base, base / "odoo-data", copy=True)
        log = E.RUN_DIR / "logs" / "i18n-install.log"
        run = E.run_logged(
            odoo.cmd(
                "server",
                *common,
                "-d",
                DB,
                "-i",
                E.MODULE,
                "--stop-after-init",
                "--no-http",
                "--log-level",
                "warn",
            ),
            odoo.env,
            log,
            cwd=base,
        )
        if run.rc != 0:
            E.say(f"installing {E.MODULE} failed; see {log}")
            return 1
        # `odoo i18n` reads its options from the configuration file only.
        conf = base / "i18n.conf"
        addons = common[2].split("=", 1)[1]  # --addons-path=...
        options = dict(zip(common[3::2], common[4::2], strict=False))
        conf.write_text(
            "[options]\n"
            f"addons_path = {addons}\n"
            f"db_host = 127.0.0.1\ndb_port = {cluster.port}\ndb_user = {E.DB_USER}\n"
            f"data_dir = {options.get('--data-dir', base / 'odoo-data')}\n"
        )
        log = E.RUN_DIR / "logs" / "i18n-export.log"
        run = E.run_logged(
            odoo.cmd(
                "i18n", "export", "-c", str(conf), "-d", DB, E.MODULE, "-o", str(POT)
            ),
            odoo.env,
            log,
            cwd=base,
        )
        if run.rc != 0 or not POT.exists():
            E.say(f"export failed; see {log}")
            return 1
        E.say(f"wrote {POT.relative_to(E.REPO_ROOT)}")
        return 0
    finally:
        cluster.destroy()
        shutil.rmtree(base, ignore_errors=True)


def merge_po_files() -> None:
    import polib  # from Odoo's requirements: importable once ensure_odoo() ran

    template = polib.pofile(str(POT))
    for path in sorted(I18N.glob("*.po")):
        po = polib.pofile(str(path))
        po.merge(template)
        # Terms that left the code are dropped rather than kept as obsolete.
        for entry in [e for e in po if e.obsolete]:
            po.remove(entry)
        po.save(str(path))
        untranslated = len(po.untranslated_entries()) + len(po.fuzzy_entries())
        E.say(
            f"merged {path.name}: {untranslated} "
            f"entr{'y' if untranslated == 1 else 'ies'} to translate"
        )


def add_language(code: str) -> None:
    import polib

    template = polib.pofile(str(POT))
    path = I18N / f"{code}.po"
    if path.exists():
        E.say(f"{path.name} exists already")
        return
    po = polib.POFile()
    po.metadata = dict(template.metadata, Language=code)
    for entry in template:
        po.append(entry)
    po.save(str(path))
    E.say(f"created {path.relative_to(E.REPO_ROOT)}: translate it, then run the tests")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--no-export",
        action="store_true",
        help="only merge the existing .pot into the .po files",
    )
    ap.add_argument(
        "--add", metavar="LANG", help="create i18n/LANG.po from the template"
    )
    args = ap.parse_args()
    B.ensure_odoo()
    if not args.no_export and not args.add:
        rc = export_pot()
        if rc:
            return rc
    if args.add:
        add_language(args.add)
        return 0
    merge_po_files()
    return 0


if __name__ == "__main__":
    sys.exit(main())
