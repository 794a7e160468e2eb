from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Kiểm tra toàn bộ chuỗi băm của nhật ký kiểm toán (R-AUD-1)."

    def handle(self, *args, **options):
        result = verify_chain()
        if not result.ok:
            raise CommandError(
                _("Nhật ký kiểm toán bị hỏng: %(reason)s. Các sự kiện trước đó (%(count)s) vẫn đúng.")
                % {"reason": result.reason, "count": result.checked},
                returncode=1,
            )
        self.stdout.write(
            _("Nhật ký kiểm toán còn nguyên vẹn: %(count)s sự kiện.") % {"count": result.checked}
        )
