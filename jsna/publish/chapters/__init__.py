"""Chapter sections: what each chapter notebook shows, as functions of a Chapter."""

__all__: list[str] = []
