"""Reading the published documents in tests: JSON values narrowed to what they must be."""

Json = dict[str, object]


def as_dict(value: object) -> Json:
    assert isinstance(value, dict)
    return value


def as_list(value: object) -> list[object]:
    assert isinstance(value, list)
    return value
