"""Operations: is the sync working? The report behind `dealsync status` and its Dagster asset."""
