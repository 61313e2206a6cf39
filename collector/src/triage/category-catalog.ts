import type { Category, WordlistPayload } from '@vigil/shared';

export interface CategoryFacts {
  readonly label: string;
  readonly restricted: boolean;
}

/**
 * The categories in force (files + custom entries), looked up by id. An alert whose
 * category is no longer in the list (renamed, removed, or the list failed to load)
 * is treated as RESTRICTED: a capture must never become visible because a line left
 * categories.tsv.
 */
export class CategoryCatalog {
  readonly version: string;
  readonly categories: readonly Category[];
  readonly #byId: ReadonlyMap<string, Category>;

  constructor(wordlist: Pick<WordlistPayload, 'version' | 'categories'>) {
    this.version = wordlist.version;
    this.categories = wordlist.categories;
    this.#byId = new Map(wordlist.categories.map((category) => [category.id, category]));
  }

  facts(categoryId: string): CategoryFacts {
    const category = this.#byId.get(categoryId);
    return category === undefined ? { label: categoryId, restricted: true } : { label: category.label, restricted: category.restricted };
  }
}

/** A catalog for the word list in force, rebuilt only when its version changes. */
export function catalogSource(current: () => Pick<WordlistPayload, 'version' | 'categories'>): () => CategoryCatalog {
  let cached: CategoryCatalog | undefined;
  return () => {
    const wordlist = current();
    if (cached?.version !== wordlist.version) cached = new CategoryCatalog(wordlist);
    return cached;
  };
}
