from django.core.management.base import BaseCommand

from reports.demo import demo_load


class Command(BaseCommand):
    help = "载入演示数据：岳阳楼区财政局、两个部门、2021年度、种子报告和各角色演示用户（可重复运行，不覆盖已有数据）。"

    def handle(self, *args, **options):
        users = demo_load()
        self.stdout.write("演示数据已就绪。演示用户：")
        for user in users:
            note = "" if user.created else "（已存在，密码未修改）"
            scope = f" · {user.scope}" if user.scope else ""
            self.stdout.write(
                f"  {user.username:<10} {user.role}{scope} · {user.full_name} · 密码 {user.password}{note}"
            )
