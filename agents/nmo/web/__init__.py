"""The review desk web app: REST API, review and operator pages, admin page; all assets served locally."""
