from evidence.checks import media_root_not_served


def test_the_file_store_may_not_be_a_served_directory(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.MEDIA_ROOT = tmp_path / "staticfiles" / "media"

    assert [e.id for e in media_root_not_served(None)] == ["evidence.E001"]


def test_the_file_store_apart_from_static_files_passes(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.MEDIA_ROOT = tmp_path / "media"

    assert media_root_not_served(None) == []
