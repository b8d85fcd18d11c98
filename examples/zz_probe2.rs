use std::time::Instant;
fn main() {
    let c = rusqlite::Connection::open("/tmp/scratch/x.sqlite").unwrap();
    c.execute_batch("PRAGMA mmap_size=2000000000; PRAGMA cache_size=-200000;").unwrap();
    for pass in 0..2 {
        let t = Instant::now();
        let mut st = c.prepare("select key, kind, namespace, name, title, description, spec_type, lifecycle, owner, system, tags, email, display_name, relations from s").unwrap();
        let mut rows = st.query([]).unwrap();
        let mut v: Vec<Vec<String>> = Vec::new();
        while let Some(r) = rows.next().unwrap() {
            let mut x = Vec::with_capacity(14);
            for i in 0..13 {
                x.push(r.get::<_, String>(i).unwrap());
            }
            v.push(x);
        }
        eprintln!("pass {pass} narrow scan 13 cols {:?} {}", t.elapsed(), v.len());
        let t = Instant::now();
        let mut st = c.prepare("select relations from s").unwrap();
        let mut rows = st.query([]).unwrap();
        let mut n = 0usize;
        while let Some(r) = rows.next().unwrap() {
            let s: String = r.get(0).unwrap();
            n += s.len();
        }
        eprintln!("relations col only {:?} {n}", t.elapsed());
    }
}
