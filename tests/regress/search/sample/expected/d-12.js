morgueSearch.load("d-12","ix4trWIB",2);
