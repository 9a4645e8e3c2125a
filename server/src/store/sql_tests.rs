use super::*;

#[test]
fn placeholders_render_per_backend() {
    let mut sql = Sql::new("SELECT 1 WHERE a = ");
    sql.int(1).push(" AND b IN ").in_list(&["x", "y"]);
    assert_eq!(
        sql.render(Placeholders::Numbered),
        "SELECT 1 WHERE a = $1 AND b IN ($2, $3)"
    );
    assert_eq!(
        sql.render(Placeholders::Anonymous),
        "SELECT 1 WHERE a = ? AND b IN (?, ?)"
    );
    assert_eq!(sql.binds[2], Value::from("y"));
}

#[test]
fn values_push_one_tuple_per_row() {
    let rows = [(1_i64, Some("a")), (2, None)];
    let mut sql = Sql::new("INSERT INTO t (n, s) ");
    sql.values(&rows, |row, (n, s)| {
        row.bind(*n).bind(*s);
    });
    sql.push(" RETURNING id");
    assert_eq!(
        sql.render(Placeholders::Numbered),
        "INSERT INTO t (n, s) VALUES ($1, $2), ($3, $4) RETURNING id"
    );
    assert_eq!(sql.binds.len(), 4);
    assert_eq!(sql.binds[3], Value::Text(None));
}

#[test]
fn row_in_lists_row_values() {
    let rows = [(1_i64, 10_i64, "a"), (2, 20, "b")];
    let mut sql = Sql::new("SELECT id FROM t WHERE (d, w, k) IN ");
    sql.row_in(&rows, |row, (d, w, k)| {
        row.bind(*d).bind(*w).bind(*k);
    });
    assert_eq!(
        sql.render(Placeholders::Anonymous),
        "SELECT id FROM t WHERE (d, w, k) IN ((?, ?, ?), (?, ?, ?))"
    );
    assert_eq!(sql.binds.len(), 6);
    assert_eq!(sql.binds[5], Value::from("b"));
}

#[test]
fn union_rows_name_the_first_rows_columns() {
    let rows = [(1_i64, Some(7_i64)), (2, None), (3, Some(9))];
    let mut sql = Sql::new("UPDATE t JOIN (");
    sql.union_rows(&rows, &["id", "raw_id"], |row, (id, raw)| {
        row.bind(*id).bind(*raw);
    });
    sql.push(") v ON t.id = v.id SET t.raw_id = v.raw_id");
    assert_eq!(
        sql.render(Placeholders::Anonymous),
        "UPDATE t JOIN (SELECT ? AS id, ? AS raw_id UNION ALL SELECT ?, ? \
         UNION ALL SELECT ?, ?) v ON t.id = v.id SET t.raw_id = v.raw_id"
    );
    assert_eq!(sql.binds[3], Value::Int(None));
    let mut one = Sql::new("");
    one.union_rows([5_i64], &["id"], |row, id| {
        row.bind(id);
    });
    assert_eq!(one.render(Placeholders::Numbered), "SELECT $1 AS id");
}
