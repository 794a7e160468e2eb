import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.workflow.sweeps import sweep_deadlines
from motcua.workflow.tasks import sweep_deadlines as sweep_deadlines_task


class Command(BaseCommand):
    help = (
        "Quét thời hạn: báo hồ sơ mới, sắp hết hạn, quá hạn kiểm tra; nhắc xin lỗi trước khi trễ hẹn; "
        "đóng hồ sơ quá hạn bổ sung. Chạy một lần (cron), hoặc --every N để giao cho tiến trình nền mỗi N giây."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help=_("giây giữa hai lần quét; 0 = quét một lần")
        )

    def handle(self, *args, every: int = 0, **options):
        if every <= 0:
            self.stdout.write(_("Kết quả quét: %(counts)s") % {"counts": sweep_deadlines()})
            return
        while True:  # the task worker runs each sweep; this only schedules them
            sweep_deadlines_task.enqueue()
            time.sleep(every)
