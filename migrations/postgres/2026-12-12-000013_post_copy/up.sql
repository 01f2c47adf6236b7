-- A post ready to paste (issue 35): the caption and hashtags written with the slides (JSON,
-- {"caption": …, "hashtags": […]}); each slide's alt text is in slides_json. NULL on rows from
-- before posts, whose album keeps the topic as its caption and has no post message.
ALTER TABLE workflows ADD COLUMN post_json TEXT;
