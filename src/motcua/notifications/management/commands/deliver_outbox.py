from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.notifications.services import outbox_deliver_due


class Command(BaseCommand):
    help = "Gửi mọi thư đến hạn trong hàng đợi (kể cả thư gửi lại); chạy định kỳ, ví dụ mỗi phút."

    def handle(self, *args, **options):
        counts = outbox_deliver_due()
        self.stdout.write(
            _("Đã gửi: %(sent)s. Sẽ gửi lại sau: %(pending)s. Không gửi được: %(failed)s.") % counts
        )
