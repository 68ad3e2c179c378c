import { MigrateDownArgs, MigrateUpArgs, sql } from '@payloadcms/db-postgres'

// Written by hand: catalogue search (src/shop/catalogue.ts).
// - products.search_document: the name (weight A) and the description's text (weight C) in both the russian
//   and the english configuration, a stored generated column, so it is never out of date;
// - catalogue_words: the distinct words of the product names, kept by a trigger, each with a trigram index:
//   a typo is corrected against these (about a thousand rows) rather than against every product name;
// - pg_trgm is a trusted extension: the database owner may create it (PostgreSQL 13+).
export async function up({ db }: MigrateUpArgs): Promise<void> {
  await db.execute(sql`
  CREATE EXTENSION IF NOT EXISTS pg_trgm;
  ALTER TABLE "products" ADD COLUMN "search_document" tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('russian', coalesce("name", '')), 'A') ||
    setweight(to_tsvector('english', coalesce("name", '')), 'A') ||
    setweight(to_tsvector('russian', coalesce(jsonb_path_query_array("description", 'strict $.**.text')::text, '')), 'C') ||
    setweight(to_tsvector('english', coalesce(jsonb_path_query_array("description", 'strict $.**.text')::text, '')), 'C')
  ) STORED;
  CREATE INDEX "products_search_document_idx" ON "products" USING gin ("search_document");

  CREATE TABLE "catalogue_words" ("word" varchar PRIMARY KEY);
  CREATE INDEX "catalogue_words_trgm_idx" ON "catalogue_words" USING gin ("word" gin_trgm_ops);
  CREATE FUNCTION "catalogue_words_of_product"() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO "catalogue_words" ("word")
      SELECT DISTINCT w FROM regexp_split_to_table(lower(NEW."name"), '[^[:alpha:]]+') AS w WHERE length(w) >= 3
      ON CONFLICT DO NOTHING;
    RETURN NEW;
  END $$;
  CREATE TRIGGER "products_catalogue_words" AFTER INSERT OR UPDATE OF "name" ON "products"
    FOR EACH ROW EXECUTE FUNCTION "catalogue_words_of_product"();
  INSERT INTO "catalogue_words" ("word")
    SELECT DISTINCT w FROM "products", regexp_split_to_table(lower("name"), '[^[:alpha:]]+') AS w WHERE length(w) >= 3
    ON CONFLICT DO NOTHING;
  `)
}

export async function down({ db }: MigrateDownArgs): Promise<void> {
  await db.execute(sql`
  DROP TRIGGER IF EXISTS "products_catalogue_words" ON "products";
  DROP FUNCTION IF EXISTS "catalogue_words_of_product"();
  DROP TABLE IF EXISTS "catalogue_words";
  DROP INDEX IF EXISTS "products_search_document_idx";
  ALTER TABLE "products" DROP COLUMN IF EXISTS "search_document";
  `)
}
