"""factory_boy factories for the domain's models."""
import factory

from accounts.models import User
from departments.enums import Role
from departments.models import Bureau, Department, Membership, Office


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.django.Password("Test-pass-2021")


class BureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bureau
        django_get_or_create = ("name",)

    name = "岳阳楼区财政局"
    region = "岳阳楼区"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    bureau = factory.SubFactory(BureauFactory)
    name = factory.Sequence(lambda n: f"业务科{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    bureau = factory.SubFactory(BureauFactory)
    office = factory.SubFactory(OfficeFactory, bureau=factory.SelfAttribute("..bureau"))
    code = factory.Sequence(lambda n: f"9{n:05d}")
    name = factory.Sequence(lambda n: f"测试单位{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CLERK
