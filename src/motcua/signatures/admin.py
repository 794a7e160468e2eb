from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.signatures import services
from motcua.signatures.issuing import signing_key_deactivate
from motcua.signatures.models import (
    AgencySigningKey,
    IssuedDocument,
    RevocationCacheEntry,
    TrustedCertificate,
)
from motcua.signatures.sealing import SealingError


class TrustedCertificateAddForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("Tệp chứng thư CA"), help_text=_("Tệp .cer, .crt hoặc .pem của CA gốc hoặc CA trung gian.")
    )

    class Meta:
        model = TrustedCertificate
        fields: list[str] = []

    def clean_upload(self) -> Any:
        upload = self.cleaned_data["upload"]
        try:
            certificates = services.parse_certificates(upload.read(1024 * 1024))
        except services.TrustStoreError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if len(certificates) != 1:
            raise forms.ValidationError(
                _("Tệp phải chứa đúng một chứng thư; hãy tách chuỗi chứng thư thành từng tệp.")
            )
        try:
            services.trust_certificate_kind(certificates[0])
        except services.TrustStoreError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.certificate = certificates[0]
        return upload


@admin.register(TrustedCertificate)
class TrustedCertificateAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "not_before", "not_after", "active", "source", "fingerprint_sha256"]
    list_filter = ["kind", "active", "source"]
    search_fields = ["subject", "fingerprint_sha256"]
    readonly_fields = [
        "subject",
        "issuer",
        "kind",
        "not_before",
        "not_after",
        "fingerprint_sha256",
        "source",
        "added_at",
        "updated_at",
    ]
    fields = [*readonly_fields[:6], "active", *readonly_fields[6:]]
    actions = ["activate", "deactivate"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = TrustedCertificateAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["upload"] if obj is None else self.fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: TrustedCertificate, form: Any, change: bool) -> None:
        if change:
            if "active" in form.changed_data:
                services.trust_certificate_set_active(trusted=obj, active=obj.active, actor=request.user)
            return
        trusted, _created = services.trust_certificate_add(
            certificate=form.certificate, source=TrustedCertificate.Source.ADMIN, actor=request.user
        )
        obj.pk = trusted.pk  # so the admin's redirect and message name the stored certificate

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: what was trusted when stays on record

    @admin.action(description=_("Dùng các chứng thư đã chọn"))
    def activate(self, request: HttpRequest, queryset: QuerySet[TrustedCertificate]) -> None:
        for trusted in queryset:
            services.trust_certificate_set_active(trusted=trusted, active=True, actor=request.user)

    @admin.action(description=_("Ngừng dùng các chứng thư đã chọn"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[TrustedCertificate]) -> None:
        for trusted in queryset:
            services.trust_certificate_set_active(trusted=trusted, active=False, actor=request.user)


@admin.register(RevocationCacheEntry)
class RevocationCacheEntryAdmin(admin.ModelAdmin):
    list_display = ["kind", "url", "fetched_at", "next_update"]
    list_filter = ["kind"]
    readonly_fields = ["key", "kind", "url", "fetched_at", "next_update"]
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(AgencySigningKey)
class AgencySigningKeyAdmin(admin.ModelAdmin):
    list_display = ["agency", "holder", "kind", "subject", "not_after", "active"]
    list_filter = ["active", "kind"]
    search_fields = ["agency__code", "agency__name", "subject", "fingerprint_sha256"]
    list_select_related = ["agency", "holder"]
    readonly_fields = [f.name for f in AgencySigningKey._meta.fields]
    actions = ["deactivate"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Ngừng dùng các khóa đã chọn"))
    def deactivate(self, request, queryset):
        for key in queryset.select_related("agency"):
            try:
                signing_key_deactivate(key=key, actor=request.user)
            except SealingError as error:
                self.message_user(request, str(error), messages.ERROR)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["issued_at", "kind", "agency", "dossier_code", "document_code", "revoked_at"]
    list_filter = ["kind", "agency"]
    search_fields = ["token", "dossier_code", "document_code", "sha256"]
    list_select_related = ["agency"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
