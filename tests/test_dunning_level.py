from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

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

    def test_non_increasing_delay_names_the_levels_and_the_field(self):
        with self.assertRaises(ValidationError) as caught:
            self.second.delay = 5
        self.assertEqual(
            str(caught.exception),
            "Second reminder comes after Friendly reminder, so its “Days after Due "
            "Date” must be more than 7 days (it is 5).",
            "The message names the levels and the field at fault, with its unit",
        )

    def test_duplicate_sequence_names_the_levels(self):
        with self.assertRaises(ValidationError) as caught:
            self.second.sequence = self.friendly.sequence
        self.assertIn("Second reminder and Friendly reminder", str(caught.exception))
        self.assertNotIn("inconsistent", str(caught.exception))

    def test_negative_minimum_amount_shows_the_amount_with_its_currency(self):
        with self.assertRaises(ValidationError) as caught:
            self.final.min_amount = -50
        message = str(caught.exception)
        self.assertIn("Final notice: “Minimum Amount” cannot be negative", message)
        self.assertIn(
            self.company.currency_id.format(-50.0),
            message,
            "The amount is shown with its currency, not as -50.0",
        )

    def test_fee_minimum_above_maximum_names_both_amounts(self):
        with self.assertRaises(ValidationError) as caught:
            self.second.write({"fee_minimum": 20.0, "fee_maximum": 10.0})
        currency = self.company.currency_id
        self.assertEqual(
            str(caught.exception),
            f"Second reminder: “Minimum Fee” ({currency.format(20.0)}) is above "
            f"“Maximum Fee” ({currency.format(10.0)}).",
        )

    def _form_warnings(self, form, **values):
        """The warnings the level's form gives while ``values`` are entered."""
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            for fname, value in values.items():
                setattr(form, fname, value)
        return "\n".join(logs.output)

    def test_form_warns_on_the_field_at_fault_while_editing(self):
        """Editing a level warns at once, titled with the field at fault, with
        the message saving it would raise: the levels by their names, the
        amounts in the company's currency."""
        currency = self.company.currency_id
        form = Form(self.second)
        self.assertIn(
            "Days after Due Date Second reminder comes after Friendly reminder, so "
            "its “Days after Due Date” must be more than 7 days (it is 5).",
            self._form_warnings(form, delay=5),
            "A delay that breaks the escalation is flagged on “Days after Due Date”",
        )
        form.delay = 21
        self.assertIn(
            f"Minimum Amount Second reminder: “Minimum Amount” cannot be negative "
            f"({currency.format(-50.0)}).",
            self._form_warnings(form, min_amount=-50),
            "A negative minimum amount is flagged on its field, in the currency",
        )
        form.min_amount = 0
        self.assertIn(
            f"Minimum Fee Second reminder: “Minimum Fee” ({currency.format(20.0)}) "
            f"is above “Maximum Fee” ({currency.format(10.0)}).",
            self._form_warnings(form, fee_maximum=10, fee_minimum=20),
            "A minimum fee above the maximum is flagged on “Minimum Fee”",
        )
        form.fee_minimum = 5
        form.save()
        self.assertRecordValues(
            self.second, [{"delay": 21, "fee_minimum": 5.0, "fee_maximum": 10.0}]
        )

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
            self.assertRaisesRegex(
                ValidationError, "“Minimum Amount” cannot be negative"
            ),
            self.cr.savepoint(),
        ):
            self.friendly.min_amount = -1
            self.env.flush_all()
        with (
            self.assertRaisesRegex(ValidationError, "Minimum Interval"),
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
