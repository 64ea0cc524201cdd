from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import password_reset


class Command(BaseCommand):
    help = "Give a user a new temporary password (printed once); they must change it at their next login."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as error:
            raise CommandError(f"没有用户名为 {username} 的用户。") from error
        try:
            password = password_reset(user=user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"用户 {username} 的临时密码：{password}\n下次登录时必须修改密码。")
