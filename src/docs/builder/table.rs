//! Tables: rows of cells whose inline text goes into the current cell.
//! A table inside a cell is flattened into the cell's text.

use super::{Builder, TableBuild};
use crate::docs::model::{BlockKind, TableRow};

impl Builder {
    pub fn start_table(&mut self) {
        if let Some(table) = self.table.as_mut() {
            table.nested += 1;
            self.pending_space = true;
            return;
        }
        self.flush();
        self.table = Some(TableBuild::default());
    }

    pub fn start_row(&mut self, header: bool) {
        let Some(table) = self.table.as_mut() else { return };
        if table.nested > 0 {
            self.pending_space = true;
            return;
        }
        if table.cell.is_some() {
            self.end_cell();
        }
        self.end_row();
        if let Some(table) = self.table.as_mut() {
            table.row = Some(TableRow { header, cells: Vec::new() });
        }
    }

    /// A `<th>` opening the first row makes it a header row.
    pub fn header_cell(&mut self) {
        if let Some(table) = self.table.as_mut().filter(|t| t.nested == 0 && t.rows.is_empty()) {
            if let Some(row) = table.row.as_mut().filter(|r| r.cells.is_empty()) {
                row.header = true;
            }
        }
    }

    pub fn start_cell(&mut self) {
        let Some(table) = self.table.as_mut() else { return };
        if table.nested > 0 {
            self.pending_space = true;
            return;
        }
        if table.cell.is_some() {
            self.end_cell();
        }
        let table = self.table.as_mut().expect("checked above");
        if table.row.is_none() {
            table.row = Some(TableRow { header: false, cells: Vec::new() });
        }
        table.cell = Some(Vec::new());
        self.pending_space = false;
    }

    pub fn end_cell(&mut self) {
        let Some(table) = self.table.as_mut() else { return };
        if table.nested > 0 {
            return;
        }
        if let (Some(cell), Some(row)) = (table.cell.take(), table.row.as_mut()) {
            row.cells.push(cell);
        }
        self.pending_space = false;
    }

    pub fn end_row(&mut self) {
        let Some(table) = self.table.as_mut() else { return };
        if table.nested > 0 {
            return;
        }
        if let Some(cell) = table.cell.take() {
            if let Some(row) = table.row.as_mut() {
                row.cells.push(cell);
            }
        }
        if let Some(row) = table.row.take() {
            if !row.cells.is_empty() {
                table.rows.push(row);
            }
        }
    }

    pub fn end_table(&mut self) {
        match self.table.as_mut() {
            None => return,
            Some(t) if t.nested > 0 => {
                t.nested -= 1;
                return;
            }
            Some(_) => {}
        }
        self.end_row();
        let Some(table) = self.table.take() else { return };
        if !table.rows.is_empty() {
            self.push_block(BlockKind::Table(table.rows), Vec::new());
            self.space_pending = true;
        }
    }
}
