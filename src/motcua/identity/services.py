"""Create accounts: citizens, organisations and officials. Each checks everything and reports all problems."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.vn import mst

from motcua.audit.services import audit_record
from motcua.catalog.models import Agency
from motcua.identity.models import Delegation, OfficialRole, Organisation, User


def citizen_create(
    *,
    citizen_id: str,
    full_name: str,
    date_of_birth: dt.date,
    phone: str,
    email: str,
    password: str,
) -> User:
    """Create a citizen's local account; the username is the 12-digit personal identification number."""
    full_name = " ".join(full_name.split())
    email = email.strip()
    errors: dict[str, list[str]] = {}
    citizen_id = _check_new_citizen_id(
        errors,
        citizen_id,
        date_of_birth,
        taken=_("Số định danh cá nhân này đã có tài khoản. Hãy đăng nhập."),
    )
    _check_name(errors, "full_name", full_name, _("Vui lòng nhập họ và tên."))
    _check_email(errors, email)
    user = User(
        username=citizen_id,
        kind=User.Kind.CITIZEN,
        citizen_id=citizen_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        phone=phone.strip(),
        email=email,
    )
    _check_password(errors, password, user)
    if errors:
        raise ValidationError(errors)
    return _create(user, password, data={"kind": user.kind})


def organisation_account_create(
    *,
    enterprise_code: str,
    name: str,
    representative: str,
    email: str,
    phone: str,
    password: str,
) -> User:
    """Create an organisation and its account; the username is the enterprise code (mã số doanh nghiệp)."""
    name = " ".join(name.split())
    representative = " ".join(representative.split())
    email = email.strip()
    errors: dict[str, list[str]] = {}
    code = mst.compact(enterprise_code)
    if not mst.is_valid(code):
        errors["enterprise_code"] = [
            _(
                "Mã số doanh nghiệp %(code)s không hợp lệ: cần 10 chữ số (13 chữ số nếu là chi nhánh) "
                "và chữ số cuối đúng chữ số kiểm tra."
            )
            % {"code": enterprise_code.strip()}
        ]
    elif (
        Organisation.objects.filter(enterprise_code=code).exists()
        or User.objects.filter(username=code).exists()
    ):
        errors["enterprise_code"] = [_("Mã số doanh nghiệp này đã có tài khoản. Hãy đăng nhập.")]
    _check_name(errors, "name", name, _("Vui lòng nhập tên tổ chức."))
    _check_name(
        errors, "representative", representative, _("Vui lòng nhập họ tên người đại diện theo pháp luật.")
    )
    _check_email(errors, email)
    user = User(
        username=code, kind=User.Kind.ORGANISATION, full_name=representative, phone=phone.strip(), email=email
    )
    _check_password(errors, password, user)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user.organisation = Organisation.objects.create(
            enterprise_code=code, name=name, representative=representative
        )
        return _create(user, password, data={"kind": user.kind, "organisation_id": user.organisation.pk})


def official_create(
    *,
    username: str,
    full_name: str,
    agency: Agency,
    roles: list[str],
    email: str,
    password: str,
    department: str = "",
) -> User:
    """Create an official's account in `agency` with the given roles (values of OfficialRole.Role)."""
    username = username.strip()
    full_name = " ".join(full_name.split())
    email = email.strip()
    errors: dict[str, list[str]] = {}
    if not username:
        errors["username"] = [_("Vui lòng nhập tên đăng nhập.")]
    elif User.objects.filter(username=username).exists():
        errors["username"] = [
            _("Tên đăng nhập %(username)s đã được dùng. Hãy chọn tên khác.") % {"username": username}
        ]
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = [_("Tên đăng nhập chỉ gồm chữ không dấu, chữ số và các dấu . @ + - _")]
    _check_name(errors, "full_name", full_name, _("Vui lòng nhập họ và tên."))
    unknown = sorted(set(roles) - set(OfficialRole.Role.values))
    if not roles:
        errors["roles"] = [_("Chọn ít nhất một vai trò.")]
    elif unknown:
        errors["roles"] = [_("Vai trò không có trong danh sách: %(roles)s.") % {"roles": ", ".join(unknown)}]
    _check_email(errors, email)
    user = User(username=username, kind=User.Kind.OFFICIAL, full_name=full_name, email=email, agency=agency)
    _check_password(errors, password, user)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        _create(
            user,
            password,
            data={"kind": user.kind, "agency": agency.code, "roles": list(dict.fromkeys(roles))},
        )
        OfficialRole.objects.bulk_create(
            OfficialRole(user=user, agency=agency, role=role, department=department)
            for role in dict.fromkeys(roles)
        )
    return user


def citizen_create_at_counter(
    *,
    official: User,
    agency: Agency,
    citizen_id: str,
    full_name: str,
    date_of_birth: dt.date | None = None,
    phone: str = "",
    email: str = "",
) -> User:
    """Create a minimal citizen account for someone who came to the one-stop counter in person (R-CERT-2).

    The account is marked as created at the counter by `official`; it has no usable password (its owner
    signs in with their electronic identity, R-ID-1). ValidationError lists every problem.
    """
    full_name = " ".join(full_name.split())
    email = email.strip()
    errors: dict[str, list[str]] = {}
    citizen_id = _check_new_citizen_id(
        errors,
        citizen_id,
        date_of_birth,
        taken=_("Số định danh cá nhân này đã có tài khoản: hãy tìm lại theo số này."),
    )
    _check_name(errors, "full_name", full_name, _("Vui lòng nhập họ và tên người nộp hồ sơ."))
    _check_email(errors, email)
    if errors:
        raise ValidationError(errors)
    user = User(
        username=citizen_id,
        kind=User.Kind.CITIZEN,
        citizen_id=citizen_id,
        full_name=full_name,
        date_of_birth=date_of_birth,
        phone=phone.strip()[:20],
        email=email,
        registered_by=official,
    )
    with transaction.atomic():
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=official,
            action="identity.account_create_at_counter",
            object_type="user",
            object_id=user.pk,
            data={"kind": user.kind, "agency": agency.code},
        )
    return user


def _create(user: User, password: str, *, data: dict) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save()
        audit_record(
            actor=None, action="identity.account_create", object_type="user", object_id=user.pk, data=data
        )
    return user


def _check_new_citizen_id(
    errors: dict[str, list[str]], citizen_id: str, date_of_birth: dt.date | None, *, taken: str
) -> str:
    """The normalised ID of a new citizen account, or its problems in `errors`: not a valid personal
    identification number, already someone's account (`taken` says what to do), or its birth year not that
    of the date of birth typed."""
    # Imported here: catalog.eform is the e-form engine and identity needs only its two helpers.
    from motcua.catalog.eform import citizen_id_birth_year, validate_citizen_id

    try:
        citizen_id = validate_citizen_id(citizen_id)
    except ValidationError as error:
        errors["citizen_id"] = list(error.messages)
        return citizen_id
    if (
        User.objects.filter(username=citizen_id).exists()
        or User.objects.filter(citizen_id=citizen_id).exists()
    ):
        errors["citizen_id"] = [taken]
    elif date_of_birth and citizen_id_birth_year(citizen_id) != date_of_birth.year:
        errors["date_of_birth"] = [
            _(
                "Số định danh cá nhân cho thấy năm sinh %(year)s, khác với ngày sinh đã nhập (%(date)s). "
                "Hãy kiểm tra lại."
            )
            % {"year": citizen_id_birth_year(citizen_id), "date": date_of_birth.strftime("%d/%m/%Y")}
        ]
    return citizen_id


def _check_name(errors: dict[str, list[str]], field: str, value: str, message: str) -> None:
    if not value:
        errors[field] = [message]


def _check_email(errors: dict[str, list[str]], email: str) -> None:
    if not email:
        return
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [
            _("Địa chỉ thư điện tử %(email)s không đúng dạng, ví dụ: ten@example.vn.") % {"email": email}
        ]


def _check_password(errors: dict[str, list[str]], password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        errors["password"] = list(error.messages)


MAX_DELEGATION_DAYS = 90


def delegation_create(
    *,
    delegator: User,
    delegate: User,
    agency: Agency,
    starts_on: dt.date,
    ends_on: dt.date,
    reason: str,
    role: str = OfficialRole.Role.LEADER,
) -> Delegation:
    """A leader hands their role at `agency` to another official of it for a period (at most 90 days).

    ValidationError lists every problem; the delegation is audited.
    """
    errors: dict[str, list[str]] = {}
    if not OfficialRole.objects.filter(user=delegator, agency=agency, role=role).exists():
        errors["delegator"] = [_("Chỉ người đang giữ vai trò này tại cơ quan mới ủy quyền được.")]
    if delegate.pk == delegator.pk:
        errors["delegate"] = [_("Hãy chọn một cán bộ khác để ủy quyền.")]
    elif (
        delegate.kind != User.Kind.OFFICIAL
        or not OfficialRole.objects.filter(user=delegate, agency=agency).exists()
    ):
        errors["delegate"] = [
            _("Người được ủy quyền phải là cán bộ của %(agency)s.") % {"agency": agency.name}
        ]
    if ends_on < starts_on:
        errors["ends_on"] = [_("Ngày kết thúc phải từ ngày bắt đầu trở đi.")]
    elif (ends_on - starts_on).days + 1 > MAX_DELEGATION_DAYS:
        errors["ends_on"] = [_("Mỗi lần ủy quyền tối đa %(days)s ngày.") % {"days": MAX_DELEGATION_DAYS}]
    if len(reason.strip()) < 5:
        errors["reason"] = [_("Hãy ghi lý do ủy quyền, ví dụ “Nghỉ phép”.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        delegation = Delegation.objects.create(
            delegator=delegator,
            delegate=delegate,
            agency=agency,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason.strip(),
        )
        audit_record(
            actor=delegator,
            action="delegation.create",
            object_type="delegation",
            object_id=delegation.pk,
            data={
                "delegate": delegate.username,
                "agency": agency.code,
                "role": role,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    return delegation
