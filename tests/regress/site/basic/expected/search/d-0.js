morgueSearch.load("d-0",[["articles/2021/older.html","Older","2021-01-15",null,["politics"],[],"An older piece."]]);
