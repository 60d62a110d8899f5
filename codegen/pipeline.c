/* The lexicon front end's stages in order (see pipeline.h). */
#include "config.h"

#include "pipeline.h"
#include "stages.h"

/* Parses the documents added since `first` (those whose JSON loaded). */
static void parse_from(schema_set *set, size_t first)
{
	for (size_t i = first; i < set->n_docs; i++)
		if (set->docs[i]->root != NULL)
			schema_parse_doc(set, set->docs[i]);
}

bool schema_set_add_path(schema_set *set, const char *path, bool external)
{
	size_t first = set->n_docs;
	bool ok = schema_load_path(set, path, external);
	parse_from(set, first);
	return ok;
}

void schema_set_add_buffer(schema_set *set, const char *file, const char *data, size_t len,
                           bool external)
{
	size_t first = set->n_docs;
	schema_load_buffer(set, file, data, len, external);
	parse_from(set, first);
}

size_t schema_set_finish(schema_set *set)
{
	if (!set->finished) {
		set->finished = true;
		schema_set_index_ids(set);
		for (size_t i = 0; i < set->n_docs; i++)
			check_doc(set, set->docs[i]);
		resolve_set(set);
		schema_set_settle_diags(set);
	}
	return diag_count(&set->diags, DIAG_ERROR);
}

schema_set *pipeline_run(const char *const *paths, size_t n_paths, const char *const *externals,
                         size_t n_externals, size_t *errors)
{
	schema_set *set = schema_set_new();
	for (size_t i = 0; i < n_paths; i++)
		schema_set_add_path(set, paths[i], false);
	for (size_t i = 0; i < n_externals; i++)
		schema_set_add_path(set, externals[i], true);
	*errors = schema_set_finish(set);
	return set;
}
