morgueSearch.load("d-7",{"zd":"Sf]0kV~w#"});
