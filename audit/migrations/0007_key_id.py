"""Each audit row records the id of the key that chained it, so the key can be rotated (docs/security.md).

Every existing row was chained with the one key there was: it gets key id "1" (audit.enums.LEGACY_KEY_ID, and
AUDIT_HMAC_KEY_ID's default). The column is filled as it is added (no UPDATE, which the triggers refuse); on
SQLite the table is rebuilt and the triggers are put back after the migrate (audit.db).
"""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0006_tallies'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(default='1', max_length=20, verbose_name='密钥编号'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='event',
            field=models.CharField(choices=[('login', '登录'), ('login_failed', '登录失败'), ('lockout', '账户锁定'), ('logout', '退出登录'), ('password_change', '修改密码'), ('password_reset', '重置密码'), ('otp_failed', '动态口令验证失败'), ('session_expired', '会话超时'), ('input_kept', '暂存超时后提交的内容'), ('input_restored', '恢复暂存的内容'), ('workflow_move', '流程流转'), ('report_edit', '修改报告'), ('import', '导入'), ('year_open', '开启年度'), ('export', '导出'), ('download', '下载'), ('permission_denied', '越权访问'), ('admin_action', '管理操作'), ('backup', '备份'), ('restore', '恢复'), ('audit_purge', '审计日志清理'), ('audit_key_rotated', '审计密钥轮换')], db_index=True, max_length=30, verbose_name='事件'),
        ),
    ]
