from django.conf import settings
from django.core.checks import Warning, register

from backups.crypto import decode_key
from backups.manifest import BackupError


@register("security", deploy=True)
def check_backup_keys(app_configs, **kwargs):
    """The backup manifest's keys and the backup encryption key are secrets of their own: long, and none of them
    SECRET_KEY or an audit key (whoever holds those would otherwise hold these)."""
    others = {settings.SECRET_KEY, getattr(settings, "AUDIT_HMAC_KEY", ""),
              *getattr(settings, "AUDIT_HMAC_OLD_KEYS", {}).values()}
    warnings = []
    keys = getattr(settings, "BACKUP_HMAC_KEYS", {})
    weak = [key_id for key_id, key in keys.items() if len(key) < 32 or key in others or key.startswith("dev-only")]
    if weak or not keys:
        warnings.append(Warning(
            f"BACKUP_HMAC_KEYS: {', '.join(weak) or 'no key'}: short, a development key, or the same as SECRET_KEY "
            "or AUDIT_HMAC_KEY." if keys else "BACKUP_HMAC_KEYS is empty.",
            hint="Give each backup signing key 32 or more random characters of its own, kept outside the backups "
                 "(docs/security.md).",
            id="backups.W001",
        ))
    encryption = getattr(settings, "BACKUP_ENCRYPTION_KEY", "")
    if encryption:
        try:
            decode_key(encryption)
            reused = encryption in others or encryption in keys.values()
        except BackupError:
            reused = True
        if reused:
            warnings.append(Warning(
                "BACKUP_ENCRYPTION_KEY is not 32 bytes in base64, or is the same as another key.",
                hint="Set BACKUP_ENCRYPTION_KEY to 32 random bytes, base64 (docs/security.md).",
                id="backups.W002",
            ))
    return warnings
