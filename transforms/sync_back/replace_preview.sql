-- A dry run replaces the previous preview.
delete from sync_back.sync_back_preview
