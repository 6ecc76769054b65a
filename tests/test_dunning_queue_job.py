import uuid
from unittest import SkipTest
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import TODAY, DunningCommon

LETTER_MODULE = "odoo.addons.dunning_followup.models.dunning_letter"


def _key(kind, *parts):
    """The identity key the addon gives a job (see _dunning_queue_job_key)."""
    return f"dunning_followup.{kind}:{uuid.uuid5(uuid.NAMESPACE_URL, repr(parts)).hex}"


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDunningQueueJob(DunningCommon):
    """Where OCA's queue_job is installed, the scheduled actions queue the
    run's batches and the send batches as jobs on the 'root.dunning'
    channel, never the same batch twice, and the jobs send each reminder
    once, however often they are tried."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env["dunning.letter"]._dunning_queue_job_available():
            raise SkipTest("queue_job is not installed in the test database")
        # Imported only where queue_job is installed: the addon does not
        # depend on it.
        from odoo.addons.queue_job.job import Job
        from odoo.addons.queue_job.tests.common import trap_jobs

        cls.Job = Job
        cls.trap_jobs = staticmethod(trap_jobs)
        cls.company.dunning_queue_job = True
        cls.QueueJob = cls.env["queue.job"].sudo()

    def setUp(self):
        super().setUp()
        # The companies that do not use queue_job are run by the action
        # itself, which commits per batch: not in a test.
        patcher = patch.object(
            type(self.env["ir.cron"]), "_commit_progress", lambda *a, **k: 100.0
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def _jobs(self, method):
        return self.QueueJob.search(
            [("model_name", "=", "dunning.letter"), ("method_name", "=", method)],
            order="id",
        )

    def _perform(self, job_record):
        """Do the job as queue_job's runner does: load it, mark it started,
        perform it, mark it done."""
        job = self.Job.load(self.env, job_record.uuid)
        job.set_started()
        job.store()
        job.perform()
        job.set_done()
        job.store()

    def _emails(self, letters):
        return letters.message_ids.filtered(
            lambda message: message.message_type == "comment"
        )

    def test_channel_and_job_functions(self):
        Letter = self.env["dunning.letter"]
        self.assertTrue(Letter._dunning_queue_job_setup())
        self.assertTrue(Letter._dunning_queue_job_setup(), "a second call is harmless")
        channel = (
            self.env["queue.job.channel"]
            .sudo()
            .search([("complete_name", "=", "root.dunning")])
        )
        self.assertEqual(len(channel), 1)
        functions = (
            self.env["queue.job.function"]
            .sudo()
            .search([("model_id.model", "=", "dunning.letter")])
        )
        self.assertEqual(
            sorted(functions.mapped("method")),
            ["_dunning_job_run_batch", "_dunning_job_send"],
        )
        self.assertEqual(functions.channel_id, channel)
        for function in functions:
            config = functions.job_config(function.name)
            self.assertEqual(config.channel, "root.dunning")
            self.assertEqual(config.retry_pattern, {1: 10, 3: 60, 5: 300})
        self.assertFalse(functions.filtered("allow_commit"))

    def test_run_and_send_batches_are_jobs(self):
        """The run's batches are jobs with their identity key; performing
        them creates the letters and queues their sending as jobs, which
        send each letter once."""
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        Letter = self.Letter.with_company(self.company)
        with (
            patch(f"{LETTER_MODULE}.RUN_BATCH_SIZE", 1),
            self.trap_jobs() as trap,
        ):
            Letter._cron_run_dunning()
            trap.assert_jobs_count(2)
            trap.assert_jobs_count(2, only=Letter._dunning_job_run_batch)
            for partner in self.partner_a + self.partner_b:
                trap.assert_enqueued_job(
                    Letter._dunning_job_run_batch,
                    args=(self.company.id, [partner.id], "2026-06-01"),
                    properties={
                        "identity_key": _key(
                            "run", self.company.id, "2026-06-01", [partner.id]
                        )
                    },
                )
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs}, {"root.dunning"}
            )
            self.assertFalse(
                self.Letter.search([("company_id", "=", self.company.id)]),
                "the action only queues the jobs",
            )
            trap.perform_enqueued_jobs()
            letters = self.Letter.search([("company_id", "=", self.company.id)])
            self.assertEqual(letters.partner_id, self.partner_a + self.partner_b)
            self.assertEqual(set(letters.mapped("state")), {"draft"})
            self.assertTrue(all(letters.mapped("queued_at")))
            # Each run job queued the sending of its automatic letter.
            self.assertEqual(len(trap.enqueued_jobs), 2)
            for letter in letters:
                trap.assert_enqueued_job(
                    letter._dunning_job_send,
                    properties={"identity_key": _key("send", [letter.id])},
                )
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs}, {"root.dunning"}
            )
            trap.perform_enqueued_jobs()
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertFalse(any(letters.mapped("queued_at")))
        for letter in letters:
            self.assertEqual(len(self._emails(letter)), 1)

    def test_scheduled_actions_twice_queue_once_and_send_once(self):
        """Stored jobs, as the job runners of several servers take them: the
        scheduled actions run twice queue each batch once, and a job tried
        again sends nothing twice."""
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        Letter = self.Letter.with_company(self.company)
        Letter._cron_run_dunning()
        Letter._cron_run_dunning()
        run_jobs = self._jobs("_dunning_job_run_batch")
        self.assertEqual(len(run_jobs), 1, "one batch, queued once")
        self.assertEqual(run_jobs.channel, "root.dunning")
        self.assertEqual(run_jobs.state, "pending")
        partner_ids = sorted((self.partner_a + self.partner_b).ids)
        self.assertEqual(
            run_jobs.identity_key,
            _key("run", self.company.id, "2026-06-01", partner_ids),
        )
        self.assertEqual(
            list(run_jobs.args), [self.company.id, partner_ids, "2026-06-01"]
        )

        self._perform(run_jobs)
        self.assertEqual(run_jobs.state, "done")
        letters = self.Letter.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(letters), 2)
        send_jobs = self._jobs("_dunning_job_send")
        self.assertEqual(len(send_jobs), 1, "both letters in one batch")
        self.assertEqual(send_jobs.channel, "root.dunning")
        self.assertEqual(send_jobs.records, letters)
        self.assertEqual(send_jobs.identity_key, _key("send", sorted(letters.ids)))

        # The send action leaves the letters to the job that has them.
        Letter._cron_send_queued()
        Letter._cron_send_queued()
        self.assertEqual(self._jobs("_dunning_job_send"), send_jobs)
        self.assertEqual(set(letters.mapped("state")), {"draft"})

        self._perform(send_jobs)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual([len(self._emails(letter)) for letter in letters], [1, 1])
        # Tried again (a retry after a lost connection): nothing goes twice.
        self._perform(send_jobs)
        self.assertEqual([len(self._emails(letter)) for letter in letters], [1, 1])

        # The day's run again, its first job done: a new job, which creates
        # nothing twice; nothing is left to send.
        Letter._cron_run_dunning()
        again = self._jobs("_dunning_job_run_batch") - run_jobs
        self.assertEqual(len(again), 1)
        self._perform(again)
        self.assertEqual(
            self.Letter.search([("company_id", "=", self.company.id)]), letters
        )
        Letter._cron_send_queued()
        self.assertEqual(self._jobs("_dunning_job_send"), send_jobs)

    def test_send_action_queues_letters_left_in_the_queue(self):
        """Letters queued outside a job (an inline run, a job that failed
        for good) are queued in batches by the send action, once."""
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        letters = self.Letter.with_context(dunning_commit_progress=True)._run_dunning(
            date=TODAY, company=self.company
        )
        self.assertTrue(all(letters.mapped("queued_at")))
        with patch(f"{LETTER_MODULE}.SEND_BATCH_SIZE", 1):
            self.Letter._cron_send_queued()
            self.Letter._cron_send_queued()
        send_jobs = self._jobs("_dunning_job_send")
        self.assertEqual(len(send_jobs), 2, "one job per batch, each queued once")
        self.assertEqual(send_jobs[0].records | send_jobs[1].records, letters)
        self.assertEqual(set(send_jobs.mapped("channel")), {"root.dunning"})
        self.assertEqual(set(letters.mapped("state")), {"draft"})
        for job in send_jobs:
            self._perform(job)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual([len(self._emails(letter)) for letter in letters], [1, 1])

    def test_send_action_leaves_out_letters_already_in_a_job(self):
        """A letter queued after a job took the others gets a job of its
        own: no letter is in two jobs waiting to be done."""
        self._overdue_invoice(self.partner_a, 10)
        self._overdue_invoice(self.partner_b, 10)
        letters = self.Letter.with_context(dunning_commit_progress=True)._run_dunning(
            date=TODAY, company=self.company
        )
        first = letters.filtered(lambda letter: letter.partner_id == self.partner_a)
        later = letters - first
        queued_at = later.queued_at
        later.queued_at = False
        self.Letter._cron_send_queued()
        later.queued_at = queued_at
        self.Letter._cron_send_queued()
        send_jobs = self._jobs("_dunning_job_send")
        self.assertEqual(len(send_jobs), 2)
        self.assertEqual(send_jobs[0].records, first)
        self.assertEqual(send_jobs[1].records, later)
        self.assertEqual(send_jobs[1].identity_key, _key("send", later.ids))
        for job in send_jobs:
            self._perform(job)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertEqual([len(self._emails(letter)) for letter in letters], [1, 1])

    def test_setting_off_keeps_the_scheduled_actions(self):
        self.company.dunning_queue_job = False
        self._overdue_invoice(self.partner_a, 10)
        Letter = self.Letter.with_company(self.company)
        Letter._cron_run_dunning()
        letter = self.Letter.search([("company_id", "=", self.company.id)])
        self.assertEqual(len(letter), 1, "the action ran the company itself")
        Letter._cron_send_queued()
        self.assertEqual(letter.state, "sent")
        self.assertFalse(self._jobs("_dunning_job_run_batch"))
        self.assertFalse(self._jobs("_dunning_job_send"))
