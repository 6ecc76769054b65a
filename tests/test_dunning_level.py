from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningLevel(DunningCommon):
    def test_default_levels_shipped_for_new_company(self):
        """Every company gets the four default levels, in escalation order."""
        self.assertEqual(self.levels.mapped("delay"), [7, 21, 45, 60])
        self.assertEqual(
            self.levels.mapped("name"),
            [
                "Friendly reminder",
                "Second reminder",
                "Final notice",
                "Hand-over to collection",
            ],
        )
        self.assertTrue(self.collection.collection)
        self.assertTrue(self.collection.create_activity)
        self.assertTrue(self.friendly.auto_send)
        self.assertFalse(self.final.auto_send)

    def test_non_increasing_delay_rejected(self):
        with self.assertRaisesRegex(ValidationError, "inconsistent"):
            self.second.delay = 5

    def test_duplicate_sequence_rejected(self):
        with self.assertRaisesRegex(ValidationError, "inconsistent"):
            self.second.sequence = self.friendly.sequence

    def test_overlapping_new_level_rejected(self):
        with self.assertRaises(ValidationError):
            self.env["dunning.level"].create(
                {
                    "name": "Overlap",
                    "sequence": 25,
                    "delay": 10,
                    "company_id": self.company.id,
                }
            )

    def test_negative_amount_and_interval_rejected(self):
        with (
            self.assertRaisesRegex(ValidationError, "negative minimum amount"),
            self.cr.savepoint(),
        ):
            self.friendly.min_amount = -1
            self.env.flush_all()
        with (
            self.assertRaisesRegex(ValidationError, "negative minimum interval"),
            self.cr.savepoint(),
        ):
            self.friendly.min_interval = -3
            self.env.flush_all()

    def test_activity_needs_a_type(self):
        with self.assertRaisesRegex(ValidationError, "activity"):
            self.second.write({"create_activity": True, "activity_type_id": False})

    def test_archived_level_leaves_the_escalation(self):
        """Archiving a level removes it from the validation, so a level in its
        place may be created."""
        self.second.active = False
        level = self.env["dunning.level"].create(
            {
                "name": "Second (new)",
                "sequence": 20,
                "delay": 30,
                "company_id": self.company.id,
            }
        )
        self.assertIn(
            level, self.env["dunning.level"]._dunning_levels_for(self.company)
        )

    def test_levels_stay_in_their_company(self):
        other = self.setup_other_company()["company"]
        other_levels = self.env["dunning.level"]._dunning_levels_for(other)
        self.assertEqual(len(other_levels), 4)
        self.assertFalse(other_levels & self.levels)
        # Changing one company's level leaves the other's alone.
        self.friendly.delay = 3
        self.assertEqual(other_levels[0].delay, 7)
