"""Everything that talks SQL. Functions take the session first, keyword-only."""
